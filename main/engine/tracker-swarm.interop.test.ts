// Peers that find each other only through a tracker (Debian's opentracker, over HTTP and over UDP):
// two Tessera sessions, and aria2 seeding to Tessera. Every file compared byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from '../test-support/reference-tools.ts';
import { startOpentracker, type Opentracker } from '../test-support/opentracker.ts';
import { diffFiles, makePayload, makeTorrent, waitUntil } from '../test-support/engine-fixtures.ts';
import { parseTorrent } from './metainfo/parse-torrent.ts';
import { toHex } from './metainfo/hex.ts';
import { Session } from './session.ts';

const FILES = [{ path: 'one.bin', size: 2 * 1024 * 1024 + 3 }, { path: 'two/three.bin', size: 600_000 }];

async function payloadAndTorrent(dir: string, announce: (port: number) => string): Promise<{ src: string; bytes: Uint8Array; torrent: string; ot: Opentracker }> {
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  // The torrent's info-hash does not depend on the announce URL, so make it once to learn the
  // hash, start the tracker, then make it again with the tracker's real port.
  const torrent = join(dir, 'x.torrent');
  const first = await makeTorrent(src, torrent, { log2Piece: 15 });
  const hash = toHex(parseTorrent(first).infoHashV1 as Uint8Array);
  const ot = await startOpentracker([hash]);
  await rm(torrent);
  const bytes = await makeTorrent(src, torrent, { log2Piece: 15, trackers: [announce(ot.port)] });
  return { src, bytes, torrent, ot };
}

for (const proto of ['http', 'udp'] as const) {
  test(`two Tessera peers find each other through opentracker over ${proto.toUpperCase()}`, { timeout: 60_000 }, async (t) => {
    if (!requireTools(t, 'opentracker', 'mktorrent')) return;
    const dir = await mkdtemp(join(tmpdir(), `tessera-ot-${proto}-`));
    const { src, bytes, ot } = await payloadAndTorrent(dir, (port) => proto === 'http' ? `http://127.0.0.1:${port}/announce` : `udp://127.0.0.1:${port}`);
    const opts = (name: string): Parameters<typeof Session.open>[0] => ({ stateDir: join(dir, name), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
    const seed = await Session.open(opts('state-seed'));
    const leech = await Session.open(opts('state-leech'));
    try {
      const s = await seed.addTorrent(bytes, { savePath: join(dir, 'seed') });
      await waitUntil(() => seed.summaries()[0]?.status === 'seeding', 20_000, 'the seed to check its data');
      await waitUntil(() => (seed.detail(s.id)?.trackers ?? []).some((x) => x.status === 'working'), 20_000, 'the seed to announce');
      await leech.addTorrent(bytes, { savePath: join(dir, 'dl') });
      await waitUntil(() => leech.summaries()[0]?.status === 'seeding', 40_000, 'the leecher to complete');
      assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
      const tr = leech.detail(s.id)?.trackers[0];
      assert.ok(tr && tr.peersReceived >= 1, 'the leecher learnt the seed from the tracker');
    } finally {
      await leech.close();
      await seed.close();
      await ot.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('Tessera downloads from an aria2 seed found through opentracker', { timeout: 60_000 }, async (t) => {
  if (!requireTools(t, 'opentracker', 'mktorrent', 'aria2c')) return;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-aria2-'));
  const { src, bytes, torrent, ot } = await payloadAndTorrent(dir, (port) => `http://127.0.0.1:${port}/announce`);
  let aria: ChildProcess | undefined;
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  try {
    for (let attempt = 0; attempt < 5 && aria === undefined; attempt++) {
      const port = 20000 + Math.floor(Math.random() * 40000);
      const p = spawn('aria2c', ['--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
        `--listen-port=${port}`, '--interface=127.0.0.1', '--disable-ipv6=true', '--bt-require-crypto=false', '--bt-min-crypto-level=plain',
        '--check-integrity=true', '--seed-ratio=0.0', '--seed-time=1', '--console-log-level=warn', '--summary-interval=0',
        '-d', join(dir, 'seed'), torrent], { stdio: 'ignore' });
      const died = await new Promise<boolean>((res) => {
        const tm = setTimeout(() => res(false), 1500);
        p.once('exit', () => { clearTimeout(tm); res(true); });
      });
      if (!died) aria = p;
    }
    assert.ok(aria, 'aria2c started');
    // Let aria2 check its data and announce before we ask the tracker for peers.
    await new Promise((r) => setTimeout(r, 2500));
    await session.addTorrent(bytes, { savePath: join(dir, 'dl') });
    await waitUntil(() => session.summaries()[0]?.status === 'seeding', 45_000, 'download from aria2 to complete');
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
  } finally {
    await session.close();
    aria?.kill('SIGKILL');
    await ot.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
