// Tessera against python3-libtorrent 2.0.8 on loopback: download from a libtorrent seed (we dial
// it), and seed to a libtorrent leecher (it dials us). Every file compared byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from '../test-support/reference-tools.ts';
import { LtPeer } from '../test-support/lt-peer.ts';
import { diffFiles, makePayload, makeTorrent, waitUntil } from '../test-support/engine-fixtures.ts';
import { Session } from './session.ts';

const FILES = [
  { path: 'a.bin', size: 3 * 1024 * 1024 + 12345 },
  { path: 'sub/b.bin', size: 1024 * 1024 },
  { path: 'sub/c.bin', size: 77 },
  { path: 'd.bin', size: 2 * 1024 * 1024 + 1 },
];

async function setup(): Promise<{ dir: string; src: string; torrent: string; bytes: Uint8Array }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-lt-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const torrent = join(dir, 'x.torrent');
  const bytes = await makeTorrent(src, torrent, { log2Piece: 15 });
  return { dir, src, torrent, bytes };
}

test('Tessera downloads a multi-file torrent from a libtorrent seed', { timeout: 60_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, bytes } = await setup();
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 55 });
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0, downloadDir: join(dir, 'dl') } });
  try {
    const port = await lt.port();
    const s = await session.addTorrent(bytes, { peers: [{ host: '127.0.0.1', port }] });
    let completed = false;
    session.on('torrent:completed', () => { completed = true; });
    await waitUntil(() => completed, 45_000, 'download to complete');
    const sum = session.summaries()[0];
    assert.equal(sum?.id, s.id);
    assert.equal(sum?.progress, 1);
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
  } finally {
    await session.close();
    await lt.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('libtorrent downloads from a Tessera seed', { timeout: 60_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, bytes } = await setup();
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  let lt: LtPeer | undefined;
  try {
    await session.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => session.summaries()[0]?.status === 'seeding', 20_000, 'the seed to check its data');
    await writeFile(join(dir, 'unused'), '');
    lt = new LtPeer({ mode: 'leech', torrent, save: join(dir, 'leech'), connect: [`127.0.0.1:${session.port}`], timeoutSec: 55 });
    await lt.waitFor((e) => e.event === 'done', 45_000);
    assert.deepEqual(await diffFiles(src, join(dir, 'leech', 'payload'), FILES.map((f) => f.path)), []);
    assert.ok((session.summaries()[0]?.uploaded ?? 0) >= FILES.reduce((a, f) => a + f.size, 0), 'the seed counted what it uploaded');
  } finally {
    await lt?.close();
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
});
