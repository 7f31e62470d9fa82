// Create a .torrent from a file or folder on the engine's machine: trackers in tiers, web seeds,
// piece size (auto, with the resulting piece count once the size is known), private, source,
// comment, v1/v2/hybrid. Hashing runs in the engine worker with a live progress bar and Cancel;
// the result shows the info-hash(es), the magnet link (copy) and the .torrent (saved and/or
// downloaded here).
import { useMemo, useState, type DragEvent, type FormEvent, type ReactNode } from 'react';
import { useAppStore, useController } from '../../app-context.tsx';
import { Modal } from '../../components/modal.tsx';
import { formatBytes } from '../../lib/format.ts';
import { closeDialog, pushToast } from '../../store/actions.ts';
import { plainForCode } from '../../store/plain-errors.ts';
import { dragOverCopy, readDroppedPath } from '../jobs/drop-target.ts';
import { JobProgressBar } from '../jobs/job-progress.tsx';
import { baseName, parentDir } from '../jobs/path-drop.ts';
import { useJob } from '../jobs/use-job.ts';
import { buildRequest, EMPTY_FORM, PIECE_SIZES, pieceCountFor, type CreateForm } from './create-form.ts';
import { CreateResultView } from './create-result.tsx';
import '../jobs/dialogs.css';

export function CreateTorrentDialog(): ReactNode {
  const store = useAppStore();
  const c = useController();
  const job = useJob(c.api, 'create:start');
  const [form, setForm] = useState<CreateForm>(EMPTY_FORM);
  const [problem, setProblem] = useState<string | null>(null);
  const [dropHover, setDropHover] = useState(false);
  const set = <K extends keyof CreateForm>(k: K, v: CreateForm[K]): void => { setForm((f) => ({ ...f, [k]: v })); setProblem(null); };
  const running = job.state.phase === 'running';
  const close = (): void => { if (running) job.cancel(); closeDialog(store); };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (running) return;
    const r = buildRequest(form);
    if (!r.ok) { setProblem(r.problem); return; }
    void job.start(r.request);
  };
  const onDrop = (e: DragEvent): void => {
    dragOverCopy(e);
    setDropHover(false);
    const d = readDroppedPath(e);
    if ('path' in d) {
      setForm((f) => ({ ...f, path: d.path, outputPath: f.outputPath || `${parentDir(d.path)}/${baseName(d.path)}.torrent` }));
      setProblem(null);
    } else setProblem(d.problem);
  };

  const progress = job.state.phase === 'running' ? job.state.progress : null;
  const total = progress?.total;
  const pieceHint = useMemo(() => {
    if (total === undefined) return form.pieceLength === 0 ? 'chosen from the total size (about 1500 pieces)' : '';
    return `${pieceCountFor(total, form.pieceLength)} pieces for ${formatBytes(total)}`;
  }, [total, form.pieceLength]);

  if (job.state.phase === 'done') {
    const v = job.state.value;
    return (
      <Modal title="Torrent created" onClose={close}>
        <CreateResultView result={v} name={baseName(form.path)} savedTo={form.outputPath.trim() || undefined} seeding={form.seed}
          onCopied={(ok) => pushToast(store, ok ? 'info' : 'error', ok ? 'Magnet link copied.' : 'Could not copy to the clipboard.', { plain: false })} />
        <div className="modal-buttons">
          <button type="button" onClick={() => { job.reset(); }}>Create another</button>
          <button type="button" className="primary" autoFocus onClick={close}>Close</button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title="Create torrent" onClose={close} className="wide">
      <form className="job-form" onSubmit={submit}>
        <div className={`path-drop${dropHover ? ' hover' : ''}`} onDragEnter={(e) => { dragOverCopy(e); setDropHover(true); }}
          onDragOver={dragOverCopy} onDragLeave={() => setDropHover(false)} onDrop={onDrop} data-testid="create-drop">
          <label>File or folder to share
            <input type="text" autoFocus value={form.path} disabled={running} placeholder="/path/to/file-or-folder (or drop it here)"
              onChange={(e) => set('path', e.target.value)} spellCheck={false} />
          </label>
          <span className="muted">Drop a file or folder here, or type its path on this machine.</span>
        </div>
        <fieldset disabled={running}>
          <label>Trackers <span className="muted">(one per line; a blank line starts a new tier)</span>
            <textarea rows={3} value={form.trackersText} onChange={(e) => set('trackersText', e.target.value)} spellCheck={false} />
          </label>
          <label>Web seeds <span className="muted">(one URL per line)</span>
            <textarea rows={2} value={form.webSeedsText} onChange={(e) => set('webSeedsText', e.target.value)} spellCheck={false} />
          </label>
          <div className="form-row">
            <label>Format
              <select value={form.version} onChange={(e) => set('version', e.target.value === 'v1' ? 'v1' : e.target.value === 'v2' ? 'v2' : 'hybrid')}>
                <option value="hybrid">Hybrid (v1 + v2)</option>
                <option value="v1">v1 only</option>
                <option value="v2">v2 only</option>
              </select>
            </label>
            <label>Piece size
              <select value={form.pieceLength} onChange={(e) => set('pieceLength', Number(e.target.value))}>
                <option value={0}>Automatic</option>
                {PIECE_SIZES.map((n) => <option key={n} value={n}>{formatBytes(n)}</option>)}
              </select>
            </label>
            <span className="muted piece-hint" aria-live="polite">{pieceHint}</span>
          </div>
          <div className="form-row">
            <label>Source <input type="text" value={form.source} onChange={(e) => set('source', e.target.value)} /></label>
            <label className="grow">Comment <input type="text" value={form.comment} onChange={(e) => set('comment', e.target.value)} /></label>
          </div>
          <label>Save the .torrent to <span className="muted">(on this machine; leave empty to only download it)</span>
            <input type="text" value={form.outputPath} onChange={(e) => set('outputPath', e.target.value)} spellCheck={false} />
          </label>
          <div className="form-row checks">
            <label className="check"><input type="checkbox" checked={form.private} onChange={(e) => set('private', e.target.checked)} /> Private (trackers only: no DHT, PEX)</label>
            <label className="check"><input type="checkbox" checked={form.seed} onChange={(e) => set('seed', e.target.checked)} /> Start seeding</label>
          </div>
        </fieldset>
        {running ? <JobProgressBar label="Hashing" progress={progress} /> : null}
        {problem ? <p className="form-problem" role="alert">{problem}</p> : null}
        {job.state.phase === 'failed' ? <p className="form-problem" role="alert">
          {job.state.code === 'ABORTED' ? 'Cancelled.' : `Could not create the torrent: ${plainForCode(job.state.code)}`}
          {job.state.code !== 'ABORTED' ? <span className="muted"> ({job.state.message})</span> : null}
        </p> : null}
        <div className="modal-buttons">
          {running
            ? <button type="button" onClick={job.cancel}>Cancel hashing</button>
            : <button type="button" onClick={close}>Close</button>}
          <button type="submit" className="primary" disabled={running}>Create</button>
        </div>
      </form>
    </Modal>
  );
}
