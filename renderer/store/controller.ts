// The commands the UI issues, over a TesseraApi. Every failure becomes a toast in plain words;
// nothing here throws into a React handler.
import type { CommandArg, CommandName, CommandResult, TesseraApi } from '../../shared/contract.ts';
import type { FilePriority, FilesPage } from '../../shared/snapshot.ts';
import { bytesToBase64 } from '../lib/base64.ts';
import { MAX_TORRENT_FILE_BYTES } from '../lib/drop-text.ts';
import { closeDialog, pushToast, selectedIds, setEngineSettings } from './actions.ts';
import { plainForCode } from './plain-errors.ts';
import { trackerUrl } from '../../shared/validate.ts';
import type { AppStore } from './state.ts';

/** Checked before sending, with the same rule the engine applies; null when the URL is usable. */
export function trackerUrlProblem(url: string): string | null {
  if (url.trim() === '') return 'Type a tracker address, such as udp://tracker.example.org:6969/announce.';
  const r = trackerUrl(url, 'The tracker address');
  return r.ok ? null : `${r.error.message}.`;
}

export interface ControllerDeps {
  writeClipboard?: (text: string) => Promise<void>;
}

export interface TorrentFileInput { name: string; size: number; bytes(): Promise<Uint8Array> }

export interface Controller {
  /** The transport itself, for dialogs that run long jobs (create/verify) and follow job:progress. */
  readonly api: TesseraApi;
  pause(ids?: readonly string[]): Promise<void>;
  resume(ids?: readonly string[]): Promise<void>;
  remove(ids: readonly string[], deleteData: boolean): Promise<void>;
  recheck(id: string): Promise<void>;
  setFilePriority(id: string, index: number, priority: FilePriority): Promise<void>;
  /** A page of a torrent's file list; null when there is none (yet) or the engine did not answer —
   *  asked again at the next detail update, so a failure is not worth a toast. */
  files(id: string, from: number, count: number): Promise<FilesPage | null>;
  /** Adds/removes a tracker; resolves to null on success, else the problem in plain words (shown
   *  beside the tracker list, not as a toast, so the typed URL can be corrected in place). */
  addTracker(id: string, url: string, tier?: number): Promise<string | null>;
  removeTracker(id: string, url: string): Promise<string | null>;
  openFolder(id: string): Promise<void>;
  copyMagnet(ids?: readonly string[]): Promise<void>;
  addFiles(files: readonly TorrentFileInput[]): Promise<void>;
  addMagnets(uris: readonly string[]): Promise<void>;
  loadSettings(): Promise<void>;
}

export function createController(api: TesseraApi, store: AppStore, deps: ControllerDeps = {}): Controller {
  async function run<C extends CommandName>(cmd: C, arg: CommandArg<C>, what: string): Promise<CommandResult<C> | undefined> {
    let r;
    try {
      r = await api.invoke(cmd, arg);
    } catch (e) {
      pushToast(store, 'error', `${what} failed: the engine did not answer.`, { plain: false, detail: String(e) });
      return undefined;
    }
    if (r.ok) return r.value;
    pushToast(store, 'error', `${what}: ${plainForCode(r.error.code)}`, { plain: false, detail: r.error.message });
    return undefined;
  }
  /** A tracker command whose failure the caller shows inline: the engine's own words, as a sentence. */
  async function quiet<C extends 'torrent:add-tracker' | 'torrent:remove-tracker'>(arg: CommandArg<C>, cmd: C): Promise<string | null> {
    let r;
    try { r = await api.invoke(cmd, arg); } catch { return 'The engine did not answer. Try again.'; }
    if (r.ok) return null;
    if (r.error.code !== 'BAD_ARGUMENT' && r.error.code !== 'NOT_FOUND') return plainForCode(r.error.code);
    const m = r.error.message.trim();
    return `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`;
  }
  const targets = (ids?: readonly string[]): string[] => (ids ? [...ids] : selectedIds(store.getState()));

  return {
    api,
    async pause(ids) { const t = targets(ids); if (t.length) await run('torrent:pause', { ids: t }, 'Pause'); },
    async resume(ids) { const t = targets(ids); if (t.length) await run('torrent:resume', { ids: t }, 'Resume'); },
    async remove(ids, deleteData) {
      closeDialog(store);
      if (ids.length) await run('torrent:remove', { ids: [...ids], deleteData }, deleteData ? 'Remove with data' : 'Remove');
    },
    async recheck(id) { await run('torrent:recheck', { id }, 'Recheck'); },
    async setFilePriority(id, index, priority) {
      await run('torrent:set-file-priorities', { id, priorities: [{ index, priority }] }, 'Changing the file priority');
    },
    async files(id, from, count) {
      try {
        const r = await api.invoke('torrent:files', { id, from, count });
        return r.ok ? r.value : null;
      } catch {
        return null;
      }
    },
    async addTracker(id, url, tier) {
      const problem = trackerUrlProblem(url);
      if (problem !== null) return problem;
      return quiet(tier === undefined ? { id, url: url.trim() } : { id, url: url.trim(), tier }, 'torrent:add-tracker');
    },
    async removeTracker(id, url) { return quiet({ id, url }, 'torrent:remove-tracker'); },
    async openFolder(id) { await run('torrent:open-folder', { id }, 'Open folder'); },
    async copyMagnet(ids) {
      const t = targets(ids);
      const links: string[] = [];
      for (const id of t) {
        const known = store.getState().torrents.get(id)?.magnet;
        const m = known || (await run('torrent:magnet', { id }, 'Copy magnet link'));
        if (m) links.push(m);
      }
      if (!links.length) return;
      try {
        await (deps.writeClipboard ?? ((s: string) => navigator.clipboard.writeText(s)))(links.join('\n'));
        pushToast(store, 'info', links.length === 1 ? 'Magnet link copied.' : `${links.length} magnet links copied.`, { plain: false });
      } catch (e) {
        pushToast(store, 'error', 'Could not copy to the clipboard.', { plain: false, detail: String(e) });
      }
    },
    async addFiles(files) {
      for (const f of files) {
        if (f.size > MAX_TORRENT_FILE_BYTES) {
          pushToast(store, 'error', `“${f.name}” is too large to be a .torrent file.`, { plain: false });
          continue;
        }
        let bytes: Uint8Array;
        try { bytes = await f.bytes(); } catch (e) {
          pushToast(store, 'error', `Could not read “${f.name}”.`, { plain: false, detail: String(e) });
          continue;
        }
        await run('torrent:add-file', { torrentBase64: bytesToBase64(bytes) }, `Adding “${f.name}”`);
      }
    },
    async addMagnets(uris) {
      for (const uri of uris) await run('torrent:add-magnet', { uri }, 'Adding the magnet link');
    },
    async loadSettings() {
      const s = await run('settings:get', null, 'Loading settings');
      if (s) setEngineSettings(store, s);
    },
  };
}
