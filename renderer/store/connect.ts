// Wire a TesseraApi's events into the store. Returns the unsubscribe for all of them.
import type { TesseraApi } from '../../shared/contract.ts';
import {
  applyDetail, applyEngineError, applySessionStats, applyTorrentsUpdate, pushToast,
} from './actions.ts';
import type { AppStore } from './state.ts';

export function connectStore(api: TesseraApi, store: AppStore): () => void {
  const offs = [
    api.on('torrents:update', (u) => applyTorrentsUpdate(store, u)),
    api.on('torrent:detail', (d) => applyDetail(store, d)),
    api.on('session:stats', (s) => applySessionStats(store, s)),
    api.on('engine:error', (e) => applyEngineError(store, e)),
    api.on('torrent:completed', (c) => pushToast(store, 'info', `“${c.name}” finished downloading.`, { plain: false })),
  ];
  return () => { for (const off of offs) off(); };
}

/** Tell the engine which torrent the detail pane shows, whenever the focus changes. */
export function syncFocusToEngine(api: TesseraApi, store: AppStore): () => void {
  let last = store.getState().focused;
  void api.invoke('torrent:select', { id: last });
  return store.subscribe((s) => {
    if (s.focused === last) return;
    last = s.focused;
    void api.invoke('torrent:select', { id: last });
  });
}
