// The only bridge between the page and the main process (sandboxed, context-isolated). It exposes
// window.tessera with ONE METHOD PER COMMAND, each bound to its own fixed channel, and one
// subscription per event — never ipcRenderer, never a generic send(channel, …) (electron/fiddle's
// preload.ts pattern). Listeners receive only the payload, never the IpcRendererEvent (whose
// `sender` would hand the page ipcRenderer itself). Bundled to out/electron/preload.cjs.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { CommandArg, CommandName, CommandResult, EventName, Events, Result } from '../../shared/contract.ts';
import { commandChannel, eventChannel, RESYNC_CHANNEL, type PreloadApi } from '../../shared/preload-api.ts';

function command<C extends CommandName>(c: C): (arg: CommandArg<C>) => Promise<Result<CommandResult<C>>> {
  const channel = commandChannel(c);
  return (arg) => ipcRenderer.invoke(channel, arg) as Promise<Result<CommandResult<C>>>;
}

function event<E extends EventName>(e: E): (listener: (payload: Events[E]) => void) => () => void {
  const channel = eventChannel(e);
  return (listener) => {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const wrapped = (_event: unknown, payload: Events[E]): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    // A new list subscriber starts from the whole list, not from the next diff.
    if (e === 'torrents:update') ipcRenderer.send(RESYNC_CHANNEL);
    return () => { ipcRenderer.removeListener(channel, wrapped); };
  };
}

const api: PreloadApi = {
  torrentAddFile: command('torrent:add-file'),
  torrentAddMagnet: command('torrent:add-magnet'),
  torrentPause: command('torrent:pause'),
  torrentResume: command('torrent:resume'),
  torrentRemove: command('torrent:remove'),
  torrentSetFilePriorities: command('torrent:set-file-priorities'),
  torrentFiles: command('torrent:files'),
  torrentRecheck: command('torrent:recheck'),
  torrentAddTracker: command('torrent:add-tracker'),
  torrentRemoveTracker: command('torrent:remove-tracker'),
  torrentSelect: command('torrent:select'),
  torrentMagnet: command('torrent:magnet'),
  torrentOpenFolder: command('torrent:open-folder'),
  createStart: command('create:start'),
  createCancel: command('create:cancel'),
  verifyStart: command('verify:start'),
  verifyCancel: command('verify:cancel'),
  settingsGet: command('settings:get'),
  settingsSet: command('settings:set'),
  onTorrentsUpdate: event('torrents:update'),
  onTorrentDetail: event('torrent:detail'),
  onTorrentCompleted: event('torrent:completed'),
  onEngineError: event('engine:error'),
  onJobProgress: event('job:progress'),
  onSessionStats: event('session:stats'),
  // Since Electron 32 a dropped File has no .path; the page may learn the path of a file the user
  // dropped on it, and nothing else (it cannot name a path to read).
  pathForFile: (file) => {
    if (!(file instanceof File)) throw new TypeError('pathForFile needs a File');
    return webUtils.getPathForFile(file);
  },
};

contextBridge.exposeInMainWorld('tessera', api);
