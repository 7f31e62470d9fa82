// Heap bytes per peer in Tessera's swarm store: heapUsed after a forced GC, before and after
// announcing `peers` IPv4 peers over `swarms` info-hashes straight into a Tracker (no sockets).
// Run with --expose-gc (bench/tracker.ts does). Prints one JSON line.
import { randomBytes } from 'node:crypto';
import { Tracker } from '../main/tracker/tracker.ts';
import type { AnnounceRequest } from '../main/tracker/protocol/types.ts';

const peers = Number(process.argv[2] ?? 100_000);
const swarms = Number(process.argv[3] ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const hashes = Array.from({ length: swarms }, () => randomBytes(20).toString('latin1'));
const tracker = new Tracker({ interval: 1800 });
// Warm the code paths and the swarm objects first, so the delta is the peers' cost.
const req = (h: string, i: number): AnnounceRequest => ({
  infoHash: h, peerId: randomBytes(20).toString('latin1'), port: 1 + (i % 60000), uploaded: 0, downloaded: 0,
  left: i % 5 === 0 ? 0 : 1000, event: 'started', numwant: 0, compact: true, noPeerId: true,
});
for (const h of hashes) tracker.announce({ ...req(h, 0), event: 'stopped' }, { family: 4, bytes: '\x0a\0\0\x01' }, 'http');
gc(); gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < peers; i++) {
  // Request and address objects are made per announce and dropped, as a server's would be; the
  // peer id and the compact address strings are what the store keeps.
  const addr = { family: 4 as const, bytes: String.fromCharCode(10, (i >> 16) & 255, (i >> 8) & 255, i & 255) };
  tracker.announce(req(hashes[i % swarms] ?? '', Math.floor(i / swarms)), addr, 'http');
}
gc(); gc();
const after = process.memoryUsage().heapUsed;
const st = tracker.statsJson();
process.stdout.write(`${JSON.stringify({ peers: st.peers, swarms: st.torrents, bytesPerPeer: Math.round((after - before) / (st.peers ?? peers)) })}\n`);
