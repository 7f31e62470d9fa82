// The engine's settings (settings:get / settings:set; the engine host persists them): download
// folder, listening port, connection and rate limits, when to stop seeding, start paused, theme,
// the DHT and its bootstrap nodes.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useApp, useAppStore, useController } from '../../app-context.tsx';
import { Modal } from '../../components/modal.tsx';
import { closeDialog, pushToast, setEngineSettings, setTheme } from '../../store/actions.ts';
import { plainForCode } from '../../store/plain-errors.ts';
import { fieldsFrom, patchFrom, type SettingsFields } from './settings-form.ts';
import '../jobs/dialogs.css';

export function SettingsDialog(): ReactNode {
  const store = useAppStore();
  const c = useController();
  const engine = useApp((s) => s.engineSettings);
  const [fields, setFields] = useState<SettingsFields | null>(engine ? fieldsFrom(engine) : null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => { if (!engine) void c.loadSettings(); }, [engine, c]);
  useEffect(() => { if (engine && !fields) setFields(fieldsFrom(engine)); }, [engine, fields]);
  const close = (): void => closeDialog(store);
  if (!fields) return <Modal title="Settings" onClose={close}><p className="muted">Loading the engine's settings…</p></Modal>;

  const set = <K extends keyof SettingsFields>(k: K, v: SettingsFields[K]): void => { setFields({ ...fields, [k]: v }); setProblem(null); };
  const text = (k: Exclude<keyof SettingsFields, 'startPaused' | 'theme' | 'dht' | 'encryption' | 'utp'>, label: string, extra: { numeric?: boolean; autoFocus?: boolean } = {}): ReactNode => (
    <label>{label}
      <input type="text" inputMode={extra.numeric ? 'numeric' : undefined} value={fields[k]} autoFocus={extra.autoFocus}
        onChange={(e) => set(k, e.target.value)} spellCheck={false} />
    </label>
  );
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const p = patchFrom(fields);
    if (!p.ok) { setProblem(p.problem); return; }
    setSaving(true);
    try {
      const r = await c.api.invoke('settings:set', p.patch);
      if (!r.ok) { setProblem(`Could not save: ${plainForCode(r.error.code)} (${r.error.message})`); return; }
      setEngineSettings(store, r.value);
      setTheme(store, r.value.theme);
      pushToast(store, 'info', 'Settings saved.', { plain: false });
      closeDialog(store);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal title="Settings" onClose={close} className="wide">
      <form className="settings-form" onSubmit={(e) => void submit(e)}>
        <fieldset disabled={saving}>
          {text('downloadDir', 'Download folder', { autoFocus: true })}
          <div className="form-row">
            {text('listenPort', 'Listening port (0 = any free port)', { numeric: true })}
            {text('maxConnections', 'Connections (total)', { numeric: true })}
            {text('maxConnectionsPerTorrent', 'Connections per torrent', { numeric: true })}
          </div>
          <div className="form-row">
            {text('maxDownloadKiB', 'Download limit, KiB/s (0 = none)', { numeric: true })}
            {text('maxUploadKiB', 'Upload limit, KiB/s (0 = none)', { numeric: true })}
          </div>
          <div className="form-row">
            {text('seedRatioLimit', 'Stop seeding at ratio (0 = never)')}
            {text('seedTimeMinutes', 'Stop seeding after minutes (0 = never)', { numeric: true })}
          </div>
          <div className="form-row">
            <label>Theme
              <select value={fields.theme} onChange={(e) => set('theme', e.target.value === 'light' ? 'light' : e.target.value === 'dark' ? 'dark' : 'system')}>
                <option value="system">Follow the system</option>
                <option value="light">Light</option>
                <option value="dark">Dark</option>
              </select>
            </label>
            <label className="check"><input type="checkbox" checked={fields.startPaused} onChange={(e) => set('startPaused', e.target.checked)} /> Add torrents paused</label>
          </div>
          <div className="form-row">
            <label className="check"><input type="checkbox" checked={fields.dht} onChange={(e) => set('dht', e.target.checked)} /> Find peers through the DHT (public torrents and magnets)</label>
          </div>
          {fields.dht ? text('dhtBootstrap', 'DHT bootstrap nodes, host:port (empty = the public routers)') : null}
          <div className="form-row">
            <label>Encryption
              <select value={fields.encryption} onChange={(e) => set('encryption', e.target.value === 'plaintext' ? 'plaintext' : e.target.value === 'require' ? 'require' : 'prefer')}>
                <option value="prefer">Prefer encrypted connections</option>
                <option value="require">Require encryption</option>
                <option value="plaintext">Plaintext only</option>
              </select>
            </label>
            <label className="check"><input type="checkbox" checked={fields.utp} onChange={(e) => set('utp', e.target.checked)} /> Use uTP (BEP 29) beside TCP</label>
          </div>
        </fieldset>
        {problem ? <p className="form-problem" role="alert">{problem}</p> : null}
        <div className="modal-buttons">
          <button type="button" onClick={close}>Cancel</button>
          <button type="submit" className="primary" disabled={saving}>Save</button>
        </div>
      </form>
    </Modal>
  );
}
