// npm run bench:mse [-- --size MiB]
// What MSE/PE costs: (1) the TS RC4 keystream alone, (2) a loopback TCP stream plaintext vs RC4
// (EncryptedStream both ends), (3) Tessera leeching from a python3-libtorrent seed, plaintext vs
// forced RC4. Wall-clock MB/s; loopback numbers on a shared 2-core machine are noisy — compare
// within one run only.
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { Rc4 } from '../main/engine/transport/rc4.ts';
import { mseConnect } from '../main/engine/transport/mse/negotiate.ts';
import { acceptIncoming } from '../main/engine/transport/incoming.ts';
import { req2Hash } from '../main/engine/transport/mse/handshake.ts';
import { LtPeer } from '../main/test-support/lt-peer.ts';
import { makePayload, makeTorrent, waitUntil } from '../main/test-support/engine-fixtures.ts';
import { Session } from '../main/engine/session.ts';

const args = process.argv.slice(2);
const i = args.indexOf('--size');
const MIB = i >= 0 ? Number(args[i + 1]) : 256;
if (!(MIB > 0)) throw new Error('bad --size');
const SIZE = MIB * 1024 * 1024;
const mbps = (bytes: number, ms: number): string => (bytes / 1e6 / (ms / 1000)).toFixed(1);

function rc4Alone(): void {
  const buf = new Uint8Array(64 << 20);
  for (const impl of ['auto', 'ts'] as const) {
    const r = new Rc4(randomBytes(20), 1024, { impl });
    const t = performance.now();
    for (let at = 0; at < buf.length; at += 1 << 20) r.process(buf, at, at + (1 << 20)); // 1 MiB reads, as off the socket
    console.log(`RC4 keystream (${r.impl}, in place): ${mbps(buf.length, performance.now() - t)} MB/s; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  }
}

async function pipeOnce(encrypted: boolean): Promise<number> {
  const skey = randomBytes(20);
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  const serverSide = new Promise<net.Socket>((r) => srv.once('connection', r));
  const client = net.connect(port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  const server = await serverSide;
  let a: Duplex = client;
  let b: Duplex = server;
  if (encrypted) {
    const lookup = (x: Uint8Array): Uint8Array | undefined => (Buffer.from(x).equals(Buffer.from(req2Hash(skey))) ? skey : undefined);
    const [x, y] = await Promise.all([mseConnect(client, { skey, policy: 'require' }), acceptIncoming(server, { policy: 'require', lookup, timeoutMs: 5000 })]);
    a = x.stream; b = y.stream;
  }
  const chunk = randomBytes(256 * 1024);
  const t = performance.now();
  const done = new Promise<void>((resolve) => {
    let got = 0;
    b.on('data', (c: Buffer) => { got += c.length; if (got >= SIZE) resolve(); });
    b.resume();
  });
  let sent = 0;
  const pump = (): void => {
    while (sent < SIZE) {
      sent += chunk.length;
      if (!a.write(chunk)) { a.once('drain', pump); return; }
    }
  };
  pump();
  await done;
  const ms = performance.now() - t;
  a.destroy(); b.destroy(); srv.close();
  return ms;
}

async function leech(enc: 'plaintext' | 'forced'): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-mse-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, [{ path: 'a.bin', size: SIZE }]);
  const torrent = join(dir, 'x.torrent');
  const bytes = await makeTorrent(src, torrent, { log2Piece: 20 });
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 300, enc });
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1',
    settings: { listenPort: 0, downloadDir: join(dir, 'dl'), encryption: enc === 'forced' ? 'require' : 'plaintext' } });
  try {
    const port = await lt.port();
    const t = performance.now();
    await session.addTorrent(bytes, { peers: [{ host: '127.0.0.1', port }] });
    await waitUntil(() => session.summaries()[0]?.status === 'seeding', 280_000, 'the download');
    return performance.now() - t;
  } finally {
    await session.close();
    await lt.close();
    await rm(dir, { recursive: true, force: true });
  }
}

rc4Alone();
for (const enc of [false, true]) {
  const ms = await pipeOnce(enc);
  console.log(`loopback TCP stream, ${MIB} MiB, ${enc ? 'RC4 (EncryptedStream both ends)' : 'plaintext'}: ${mbps(SIZE, ms)} MB/s`);
}
for (const enc of ['plaintext', 'forced'] as const) {
  const ms = await leech(enc);
  console.log(`Tessera leech ${MIB} MiB from libtorrent, ${enc === 'forced' ? 'forced RC4' : 'plaintext'}: ${(ms / 1000).toFixed(2)} s, ${mbps(SIZE, ms)} MB/s (includes Tessera's start-up check of an empty folder)`);
}
