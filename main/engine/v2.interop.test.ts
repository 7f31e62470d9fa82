// BitTorrent v2 (BEP 52) and hybrid torrents against python3-libtorrent 2.0.8, with torrents made
// by libtorrent itself: Tessera downloads from a libtorrent seed and seeds to a libtorrent leecher.
// Multi-file payloads with files shorter than a block, than a piece, and not piece-aligned in
// length, so the v2 layout has short last pieces. Byte-for-byte file checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from '../test-support/reference-tools.ts';
import { LtPeer } from '../test-support/lt-peer.ts';
import { ltCreateTorrent } from '../test-support/lt-create.ts';
import { diffFiles, makePayload, waitUntil } from '../test-support/engine-fixtures.ts';
import { parseTorrent } from './metainfo/parse-torrent.ts';
import { Session } from './session.ts';

const FILES = [
  { path: 'a.bin', size: 2 * 1024 * 1024 + 12_345 },
  { path: 'sub/b.bin', size: 100 },
  { path: 'sub/c.bin', size: 40_000 },
  { path: 'd.bin', size: 700_001 },
];

async function setup(kind: 'v2' | 'hybrid'): Promise<{ dir: string; src: string; torrent: string; bytes: Uint8Array }> {
  const dir = await mkdtemp(join(tmpdir(), `tessera-${kind}-`));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const torrent = join(dir, 'x.torrent');
  const bytes = await ltCreateTorrent(src, torrent, kind, 32768);
  assert.equal(parseTorrent(bytes).version, kind);
  return { dir, src, torrent, bytes };
}

for (const kind of ['v2', 'hybrid'] as const) {
  test(`Tessera downloads a ${kind} torrent from a libtorrent seed`, { timeout: 60_000 }, async (t) => {
    if (!requireTools(t, 'libtorrent')) return;
    const { dir, src, torrent, bytes } = await setup(kind);
    const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 55 });
    const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0, downloadDir: join(dir, 'dl') } });
    try {
      const port = await lt.port();
      const s = await session.addTorrent(bytes, { peers: [{ host: '127.0.0.1', port }] });
      const meta = parseTorrent(bytes);
      const v2id = Buffer.from(meta.infoHashV2 ?? new Uint8Array()).subarray(0, 20).toString('hex');
      assert.equal(s.id, kind === 'v2' ? v2id : Buffer.from(meta.infoHashV1 ?? new Uint8Array()).toString('hex'));
      await waitUntil(() => session.summaries()[0]?.status === 'seeding', 45_000, `the ${kind} download`);
      assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
      assert.equal(session.torrent(s.id)?.haveBitfield().isFull(), true);
    } finally {
      await session.close();
      await lt.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test(`libtorrent downloads a ${kind} torrent from a Tessera seed`, { timeout: 60_000 }, async (t) => {
    if (!requireTools(t, 'libtorrent')) return;
    const { dir, src, torrent, bytes } = await setup(kind);
    const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
    let lt: LtPeer | undefined;
    try {
      await session.addTorrent(bytes, { savePath: join(dir, 'seed') });
      await waitUntil(() => session.summaries()[0]?.status === 'seeding', 20_000, 'the seed to check its data (merkle)');
      lt = new LtPeer({ mode: 'leech', torrent, save: join(dir, 'leech'), connect: [`127.0.0.1:${session.port}`], timeoutSec: 55 });
      await lt.waitFor((e) => e.event === 'done', 45_000);
      assert.deepEqual(await diffFiles(src, join(dir, 'leech', 'payload'), FILES.map((f) => f.path)), []);
    } finally {
      await lt?.close();
      await session.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}
