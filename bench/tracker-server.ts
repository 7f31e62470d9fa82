// Runs one Node tracker for bench/tracker.ts in its own process (so its RSS is its own):
//   tsx bench/tracker-server.ts tessera|tessera-node|bittorrent-tracker PORT
// (tessera: the standalone server; tessera-node: createTrackerHandler inside node:http.)
// HTTP and UDP on 127.0.0.1:PORT; prints "ready" once both listen.
import { startTracker } from '../main/tracker/index.ts';

const [kind, portText] = process.argv.slice(2);
// Exit normally on SIGTERM/SIGINT, so `node --cpu-prof bench/tracker-server.ts ...` writes its profile.
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => process.exit(0));
const port = Number(portText);

interface BtServer {
  listen(port: number, host: { http: string; udp: string; udp6: string }, cb: () => void): void;
  on(ev: 'error' | 'warning', cb: (e: Error) => void): void;
}

if (kind === 'tessera' || kind === 'tessera-node') {
  await startTracker({ http: { host: '127.0.0.1', port }, udp: { host: '127.0.0.1', port }, interval: 1800, httpServer: kind === 'tessera' ? 'fast' : 'node' });
  process.stdout.write('ready\n');
  // With --expose-gc (the memory run): report the heap left after a full GC every 5 s, which
  // shows growth that RSS (V8 grows and trims its heap lazily) can hide or fake.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    setInterval(() => { gc(); process.stdout.write(`heap ${process.memoryUsage().heapUsed}\n`); }, 5000).unref();
  }
} else if (kind === 'bittorrent-tracker') {
  const spec = 'bittorrent-tracker/server'; // the package root also loads the WebRTC client
  const mod = (await import(spec)) as { default: new (o: Record<string, unknown>) => BtServer };
  const server = new mod.default({ http: true, udp: true, ws: false, stats: false, interval: 1_800_000 });
  server.on('error', (e) => process.stderr.write(`bittorrent-tracker error: ${e.message}\n`));
  server.on('warning', () => { /* bad requests are the client's problem, as in the other trackers */ });
  server.listen(port, { http: '127.0.0.1', udp: '127.0.0.1', udp6: '::1' }, () => process.stdout.write('ready\n'));
} else {
  process.stderr.write(`unknown tracker kind ${kind}\n`);
  process.exit(2);
}
