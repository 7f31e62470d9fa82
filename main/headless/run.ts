// Headless mode in one call: open the engine in its worker, load (or create) the token, serve the
// renderer and the WebSocket. Used by `tessera serve`, `npm start` without Electron, and e2e.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Settings } from '../../shared/contract.ts';
import { defaultSettings } from '../engine-host/defaults.ts';
import { EngineClient } from '../engine-host/engine-client.ts';
import { startHeadlessServer, type HeadlessServer } from './server.ts';
import { loadOrCreateToken } from './token.ts';
import { defaultDownloadDir } from './user-data.ts';

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
export const DEFAULT_WORKER = new URL('../engine-host/worker-shim.mjs', import.meta.url);

export interface HeadlessOptions {
  userDataDir: string;
  host?: string;
  port?: number;
  staticDir?: string;
  /** Start-time settings overrides (not saved), e.g. { listenPort: 0 } for tests. */
  overrides?: Partial<Settings>;
  /** The engine's peer listen address (default all interfaces, as the Session decides). */
  listenHost?: string;
  /** Never start the DHT in this run (`serve --no-dht`, tests, e2e). */
  noDht?: boolean;
  workerFile?: string | URL;
  workerData?: unknown;
}

export interface HeadlessHandle {
  server: HeadlessServer;
  engine: EngineClient;
  token: string;
  close(): Promise<void>;
}

export async function runHeadless(opts: HeadlessOptions): Promise<HeadlessHandle> {
  await mkdir(opts.userDataDir, { recursive: true, mode: 0o700 });
  const token = await loadOrCreateToken(opts.userDataDir);
  const engine = await EngineClient.start({
    workerFile: opts.workerFile ?? DEFAULT_WORKER,
    workerData: opts.workerData,
    init: {
      stateDir: join(opts.userDataDir, 'engine'),
      settingsFile: join(opts.userDataDir, 'settings.json'),
      defaults: defaultSettings(defaultDownloadDir()),
      ...(opts.overrides ? { overrides: opts.overrides } : {}),
      ...(opts.listenHost !== undefined ? { listenHost: opts.listenHost } : {}),
      ...(opts.noDht === true ? { noDht: true } : {}),
    },
  });
  let server: HeadlessServer;
  try {
    server = await startHeadlessServer({
      engine, token, staticDir: opts.staticDir ?? DEFAULT_STATIC_DIR,
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      ...(opts.port !== undefined ? { port: opts.port } : {}),
    });
  } catch (e) {
    await engine.close();
    throw e;
  }
  return {
    server, engine, token,
    close: async () => { await server.close(); await engine.close(); },
  };
}
