// The renderer's one way to reach the engine: getApi() returns a TesseraApi over Electron IPC
// when the preload exposed window.tessera, else over the headless WebSocket of this page's host.
import type { TesseraApi } from '../../shared/contract.ts';
import type { PreloadApi } from '../../shared/preload-api.ts';
import { createIpcTransport } from './ipc-transport.ts';
import { createWsTransport, socketUrlFromLocation, type SocketLike } from './ws-transport.ts';

declare global {
  interface Window { tessera?: PreloadApi }
}

let api: TesseraApi | undefined;

export function getApi(): TesseraApi {
  if (api) return api;
  const preload = typeof window !== 'undefined' ? window.tessera : undefined;
  api = preload
    ? createIpcTransport(preload)
    : createWsTransport({ url: socketUrlFromLocation(window.location), socket: (url) => new WebSocket(url) as unknown as SocketLike });
  return api;
}

/** The path of a dropped File on this machine, in the desktop app (Electron's webUtils through the
 *  preload); null in a browser, which never reveals it (callers then read the drop's file:// text). */
export function nativePathForFile(file: File): string | null {
  if (transportKind() !== 'ipc') return null;
  const fn = window.tessera?.pathForFile;
  if (typeof fn !== 'function') return null;
  try {
    const p = fn(file);
    return typeof p === 'string' && p !== '' ? p : null;
  } catch {
    return null;
  }
}

/** Which transport getApi() chose (for the About box and the e2e screenshots). */
export function transportKind(): 'ipc' | 'websocket' {
  return typeof window !== 'undefined' && window.tessera ? 'ipc' : 'websocket';
}
