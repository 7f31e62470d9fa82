// The engine worker's entry: runs the host core around the real Session. Loaded through
// worker-shim.mjs under tsx (CLI, headless) or bundled as out/electron/engine-worker.cjs.
import { parentPort } from 'node:worker_threads';
import { Session } from '../engine/session.ts';
import { createJobHandlers } from './jobs.ts';
import type { HostToWorker, WorkerToHost } from './protocol.ts';
import { runEngineHost } from './worker-core.ts';

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;

const host = runEngineHost({
  post: (msg: WorkerToHost) => port.postMessage(msg),
  onMessage: (listener: (msg: HostToWorker) => void) => port.on('message', listener),
}, {
  openSession: (opts) => Session.open({
    stateDir: opts.stateDir,
    settings: opts.settings,
    ...(opts.listenHost !== undefined ? { listenHost: opts.listenHost } : {}),
    ...(opts.dht !== undefined ? { dht: opts.dht } : {}),
  }),
  jobs: createJobHandlers,
});
// Closing the port lets the thread end once the Session's sockets and timers are gone.
void host.done.then(() => port.close());
