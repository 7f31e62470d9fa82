// Issue 7 figures on loopback (noisy: two shared cores; compare within one run only):
//  1. web seed (BEP 19) download rate from a node:http server with Range support, no peers;
//  2. aria2c downloading the same file from the same server, as the reference for plain HTTP;
//  3. time from Session.addMagnet to metadata, and to complete, from a python3-libtorrent seed (x.pe=).
// Run: tsx bench/discovery.ts [MiB]   (default 64)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from '../main/engine/metainfo/create-torrent.ts';
import { makePayload, makeTorrent, waitUntil } from '../main/test-support/engine-fixtures.ts';
import { LtPeer } from '../main/test-support/lt-peer.ts';
import { Session } from '../main/engine/session.ts';
import { parseTorrent } from '../main/engine/metainfo/parse-torrent.ts';
import { toHex } from '../main/engine/metainfo/hex.ts';

const MiB = 1024 * 1024;
const size = Number(process.argv[2] ?? 64) * MiB;
const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-disc-'));

function serve(root: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const path = join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      let len: number;
      try { len = (await stat(path)).size; } catch { res.writeHead(404).end(); return; }
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      const a = m ? Number(m[1]) : 0;
      const b = m ? Math.min(Number(m[2]), len - 1) : len - 1;
      res.writeHead(m ? 206 : 200, { 'content-length': b - a + 1, ...(m ? { 'content-range': `bytes ${a}-${b}/${len}` } : {}) });
      createReadStream(path, { start: a, end: b }).pipe(res);
    })();
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

try {
  await makePayload(join(dir, 'www'), [{ path: 'big.bin', size }]);
  const server = await serve(join(dir, 'www'));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const { bytes } = await createTorrent(join(dir, 'www', 'big.bin'), { pieceLength: 1 * MiB, creationDate: null, webSeeds: [`${base}big.bin`] });

  const session = await Session.open({ stateDir: join(dir, 'state-ws'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  const t0 = performance.now();
  await session.addTorrent(bytes, { savePath: join(dir, 'dl-ws') });
  await waitUntil(() => session.summaries()[0]?.status === 'seeding', 600_000, 'web seed download', 20);
  const wsSec = (performance.now() - t0) / 1000;
  await session.close();
  console.log(`web seed (BEP 19), ${size / MiB} MiB, 1 MiB pieces: ${wsSec.toFixed(2)} s = ${(size / MiB / wsSec).toFixed(1)} MiB/s (includes ~1 s until the first 1 s tick)`);

  const a0 = performance.now();
  // Not spawnSync: the HTTP server runs in this process and must keep serving.
  const aria = spawn('aria2c', ['--allow-overwrite=true', '-x1', '-s1', '-q', '--enable-dht=false', '-d', join(dir, 'dl-aria'), `${base}big.bin`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let ariaErr = '';
  aria.stderr.on('data', (d: Buffer) => { ariaErr += d.toString(); });
  const status = await new Promise<number | null>((res) => aria.once('exit', res));
  const r = { status, stderr: ariaErr };
  const ariaSec = (performance.now() - a0) / 1000;
  if (r.status === 0) console.log(`aria2c plain HTTP, same file: ${ariaSec.toFixed(2)} s = ${(size / MiB / ariaSec).toFixed(1)} MiB/s`);
  else console.log(`aria2c failed: ${r.stderr}`);
  server.close();

  // Magnet: metadata then data from a libtorrent seed.
  const src = join(dir, 'lt', 'payload');
  await makePayload(src, [{ path: 'a.bin', size: 16 * MiB }, { path: 'b.bin', size: 5 * MiB }]);
  const torrent = join(dir, 'x.torrent');
  const id = toHex(parseTorrent(await makeTorrent(src, torrent, { log2Piece: 18 })).infoHashV1 as Uint8Array);
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'lt'), timeoutSec: 300 });
  const port = await lt.port();
  const ms = await Session.open({ stateDir: join(dir, 'state-m'), listenHost: '127.0.0.1', settings: { listenPort: 0, downloadDir: join(dir, 'dl-m') } });
  const m0 = performance.now();
  await ms.addMagnet(`magnet:?xt=urn:btih:${id}&x.pe=127.0.0.1:${port}`);
  await waitUntil(() => ms.summaries()[0]?.status !== 'metadata', 60_000, 'metadata', 5);
  const metaMs = performance.now() - m0;
  await waitUntil(() => ms.summaries()[0]?.status === 'seeding', 300_000, 'magnet download', 20);
  const allSec = (performance.now() - m0) / 1000;
  console.log(`magnet from libtorrent (x.pe=, 21 MiB, 256 KiB pieces): metadata in ${metaMs.toFixed(0)} ms, complete in ${allSec.toFixed(2)} s`);
  await ms.close();
  await lt.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
