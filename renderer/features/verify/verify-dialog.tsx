// Verify data on disk against a torrent (one in the list, or a .torrent file) and a folder:
// hashing runs in the engine with progress and Cancel; per-file verdicts and the bad pieces on a
// piece bar; "Re-download bad pieces" adds the torrent against that folder (the engine's start-up
// check keeps the good pieces) or rechecks it when it is already in the list for that folder.
import { useCallback, useState, type DragEvent, type FormEvent, type ReactNode } from 'react';
import { useApp, useAppStore, useController } from '../../app-context.tsx';
import { parseCssColour } from '../../canvas/palette.ts';
import { rasterisePieceBar } from '../../canvas/piece-bar.ts';
import { Modal } from '../../components/modal.tsx';
import { bytesToBase64 } from '../../lib/base64.ts';
import { MAX_TORRENT_FILE_BYTES } from '../../lib/drop-text.ts';
import { formatBytes } from '../../lib/format.ts';
import { closeDialog, pushToast } from '../../store/actions.ts';
import { plainForCode } from '../../store/plain-errors.ts';
import { BarCanvas } from '../detail/bar-canvas.tsx';
import { usePalettes } from '../detail/use-palettes.ts';
import { dragOverCopy, readDroppedPath } from '../jobs/drop-target.ts';
import { JobProgressBar } from '../jobs/job-progress.tsx';
import { useJob } from '../jobs/use-job.ts';
import { fileVerdict, goodPieceBits, verifySummary } from './verify-view.ts';
import '../jobs/dialogs.css';

type Source = { kind: 'list'; id: string } | { kind: 'file'; name: string; base64: string };

export function VerifyDialog({ initialId }: { initialId?: string }): ReactNode {
  const store = useAppStore();
  const c = useController();
  const job = useJob(c.api, 'verify:start');
  const torrents = useApp((s) => s.torrents);
  const first = initialId ?? [...torrents.keys()][0];
  const [source, setSource] = useState<Source | null>(first !== undefined ? { kind: 'list', id: first } : null);
  const [folder, setFolder] = useState(() => (first !== undefined ? torrents.get(first)?.savePath ?? '' : ''));
  const [problem, setProblem] = useState<string | null>(null);
  const [repairing, setRepairing] = useState(false);
  const running = job.state.phase === 'running';
  const close = (): void => { if (running) job.cancel(); closeDialog(store); };

  const pickList = (id: string): void => {
    setSource({ kind: 'list', id });
    const sp = torrents.get(id)?.savePath;
    if (sp) setFolder(sp);
    job.reset();
  };
  const pickFile = async (f: File | undefined): Promise<void> => {
    if (!f) return;
    if (f.size > MAX_TORRENT_FILE_BYTES) { setProblem(`“${f.name}” is too large to be a .torrent file.`); return; }
    const bytes = new Uint8Array(await f.arrayBuffer());
    setSource({ kind: 'file', name: f.name, base64: bytesToBase64(bytes) });
    setProblem(null);
    job.reset();
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (running) return;
    if (!source) { setProblem('Choose a torrent from the list or a .torrent file.'); return; }
    if (folder.trim() === '') { setProblem('Type the folder that holds the data (the download folder the torrent saved into).'); return; }
    setProblem(null);
    void job.start(source.kind === 'list' ? { id: source.id, path: folder.trim() } : { torrentBase64: source.base64, path: folder.trim() });
  };
  const onDrop = (e: DragEvent): void => {
    dragOverCopy(e);
    const d = readDroppedPath(e);
    if ('path' in d) setFolder(d.path); else setProblem(d.problem);
  };

  const repair = async (): Promise<void> => {
    if (!source) return;
    setRepairing(true);
    try {
      if (source.kind === 'list') {
        const t = torrents.get(source.id);
        if (t && t.savePath.replace(/[\\/]+$/, '') === folder.trim().replace(/[\\/]+$/, '')) {
          await c.recheck(source.id);
          await c.resume([source.id]);
          pushToast(store, 'info', `Rechecking “${t.name}”: only the bad pieces will be downloaded again.`, { plain: false });
          closeDialog(store);
        } else {
          setProblem(`“${t?.name ?? 'This torrent'}” saves to ${t?.savePath ?? 'another folder'}. To repair the copy in ${folder}, remove it from the list (keeping its data) or verify with its .torrent file.`);
        }
        return;
      }
      const r = await c.api.invoke('torrent:add-file', { torrentBase64: source.base64, savePath: folder.trim() });
      if (r.ok) {
        pushToast(store, 'info', `Added “${r.value.name}” against ${folder}: only the bad pieces will be downloaded.`, { plain: false });
        closeDialog(store);
      } else setProblem(`Could not add the torrent: ${plainForCode(r.error.code)} (${r.error.message})`);
    } finally {
      setRepairing(false);
    }
  };

  const result = job.state.phase === 'done' ? job.state.value : null;
  const palettes = usePalettes();
  const rasterise = useCallback((w: number) => {
    if (!result) return new Uint8ClampedArray(w * 4);
    const err = typeof document !== 'undefined' ? parseCssColour(getComputedStyle(document.documentElement).getPropertyValue('--error')) : null;
    return rasterisePieceBar(goodPieceBits(result), new Uint8Array(0), result.pieceCount, w, { ...palettes.pieces, missing: err ?? palettes.pieces.missing });
  }, [result, palettes]);

  return (
    <Modal title="Verify data" onClose={close} className="wide">
      <form className="job-form" onSubmit={submit}>
        <fieldset disabled={running || repairing}>
          <div className="form-row">
            <label className="grow">Torrent in the list
              <select value={source?.kind === 'list' ? source.id : ''} onChange={(e) => pickList(e.target.value)} autoFocus>
                <option value="" disabled>{source?.kind === 'file' ? `File: ${source.name}` : 'Choose…'}</option>
                {[...torrents.values()].map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
              </select>
            </label>
            <label>…or a .torrent file
              <input type="file" accept=".torrent,application/x-bittorrent" aria-label="Torrent file to verify"
                onChange={(e) => void pickFile(e.currentTarget.files?.[0])} />
            </label>
          </div>
          <div className="path-drop" onDragEnter={dragOverCopy} onDragOver={dragOverCopy} onDrop={onDrop}>
            <label>Folder with the data <span className="muted">(the folder the torrent saves into; drop it here or type it)</span>
              <input type="text" value={folder} onChange={(e) => { setFolder(e.target.value); job.reset(); }} spellCheck={false} />
            </label>
          </div>
        </fieldset>
        {job.state.phase === 'running' ? <JobProgressBar label="Verifying" progress={job.state.progress} /> : null}
        {job.state.phase === 'failed' ? <p className="form-problem" role="alert">
          {job.state.code === 'ABORTED' ? 'Cancelled.' : <>Could not verify: {plainForCode(job.state.code)} <span className="muted">({job.state.message})</span></>}
        </p> : null}
        {result ? (
          <div className="verify-result">
            <p className="verify-summary" role="status">{verifySummary(result)}</p>
            <BarCanvas rasterise={rasterise} height={14} onHover={() => undefined}
              label={`Verified pieces: ${result.badPieces.length} bad of ${result.pieceCount}`} />
            <div className="verify-files">
              <table className="data-table">
                <thead><tr><th>File</th><th className="num">Size</th><th>Result</th></tr></thead>
                <tbody>
                  {result.files.map((f) => (
                    <tr key={f.path} data-status={f.status}>
                      <td className="mono">{f.path}</td>
                      <td className="num">{formatBytes(f.length)}</td>
                      <td className={`st-${f.status}`}>{fileVerdict(f)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : null}
        {problem ? <p className="form-problem" role="alert">{problem}</p> : null}
        <div className="modal-buttons">
          {running ? <button type="button" onClick={job.cancel}>Cancel verifying</button> : <button type="button" onClick={close}>Close</button>}
          {result && !result.ok ? <button type="button" disabled={repairing} onClick={() => void repair()}>Re-download bad pieces</button> : null}
          <button type="submit" className="primary" disabled={running}>Verify</button>
        </div>
      </form>
    </Modal>
  );
}
