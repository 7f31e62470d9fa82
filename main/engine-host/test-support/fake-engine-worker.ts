// A worker entry running the real host core around FakeSession; tests (and the headless server's
// tests) start it through worker-shim.mjs to exercise the whole worker path without the network.
import { parentPort } from 'node:worker_threads';
import type { HostToWorker, WorkerToHost } from '../protocol.ts';
import { runEngineHost } from '../worker-core.ts';
import { FakeSession } from './fake-session.ts';

if (!parentPort) throw new Error('must run in a worker');
const port = parentPort;
runEngineHost({
  post: (msg: WorkerToHost) => port.postMessage(msg),
  onMessage: (l: (msg: HostToWorker) => void) => port.on('message', l),
}, {
  openSession: async (opts) => new FakeSession(opts.settings),
}).done.then(() => port.close());
