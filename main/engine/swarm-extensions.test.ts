// Tessera-only swarms on loopback for the BEP 10 extensions: a Tessera seed serves its metadata to
// a Tessera magnet (BEP 9), and PEX (BEP 11) introduces a third peer: A knows only B, B is
// connected to C, and A ends up connected to C with source 'pex'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from './metainfo/create-torrent.ts';
import { diffFiles, exists, makePayload, waitUntil } from '../test-support/engine-fixtures.ts';
import { Session } from './session.ts';

const FILES = [{ path: 'x.bin', size: 1_500_000 }, { path: 'y.bin', size: 600_001 }];

async function fixture(): Promise<{ dir: string; src: string; bytes: Uint8Array; open: (name: string, rate?: number) => Promise<Session> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-ext-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const { bytes } = await createTorrent(src, { pieceLength: 16384, creationDate: null });
  const open = (name: string, rate = 0): Promise<Session> => Session.open({
    stateDir: join(dir, name), listenHost: '127.0.0.1', settings: { listenPort: 0, downloadDir: join(dir, `dl-${name}`), maxDownloadRate: rate, utp: false },
  });
  return { dir, src, bytes, open };
}

test('a Tessera seed serves its metadata to a Tessera magnet', { timeout: 60_000 }, async () => {
  const { dir, src, bytes, open } = await fixture();
  const seed = await open('seed');
  const leech = await open('leech');
  try {
    const s = await seed.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => seed.summaries()[0]?.status === 'seeding', 20_000, 'the seed check');
    await leech.addMagnet(`magnet:?xt=urn:btih:${s.id}&x.pe=127.0.0.1:${seed.port}`);
    await waitUntil(() => leech.summaries()[0]?.status === 'seeding', 30_000, 'the magnet download');
    assert.deepEqual(await diffFiles(src, join(dir, 'dl-leech', 'payload'), FILES.map((f) => f.path)), []);
    assert.deepEqual(leech.torrentFile(s.id)?.length !== undefined, true);
  } finally {
    await leech.close();
    await seed.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('PEX: A learns C from B and connects to it (source pex)', { timeout: 60_000 }, async () => {
  const { dir, bytes, open } = await fixture();
  const c = await open('c');
  const b = await open('b', 64 * 1024);
  // A downloads slowly so its connections last long enough to be looked at.
  const a = await open('a', 64 * 1024);
  try {
    const s = await c.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => c.summaries()[0]?.status === 'seeding', 20_000, 'C to check its data');
    await b.addTorrent(bytes, { peers: [{ host: '127.0.0.1', port: c.port }] });
    await waitUntil(() => (b.detail(s.id)?.peers.length ?? 0) === 1, 10_000, 'B to connect to C');
    await a.addTorrent(bytes, { peers: [{ host: '127.0.0.1', port: b.port }] });
    // B also tells C about A, and C may dial A first; that connection (incoming at A) is fine, but
    // A must have made its own connection to C from the PEX address. TCP only: an incoming uTP
    // connection comes from C's listen port and would make A believe it is already connected to C.
    await waitUntil(() => (a.detail(s.id)?.peers ?? []).some((p) => p.port === c.port && p.source === 'pex'), 15_000, 'A to connect to C via PEX');
    assert.equal(a.detail(s.id)?.peers.find((p) => p.port === b.port)?.source, 'manual');
  } finally {
    await a.close();
    await b.close();
    await c.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a magnet with so= downloads only the selected file once the metadata is known (BEP 53)', { timeout: 60_000 }, async () => {
  const { dir, src, bytes, open } = await fixture();
  const seed = await open('seed');
  const leech = await open('leech');
  try {
    const s = await seed.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => seed.summaries()[0]?.status === 'seeding', 20_000, 'the seed check');
    await leech.addMagnet(`magnet:?xt=urn:btih:${s.id}&so=1&x.pe=127.0.0.1:${seed.port}`);
    await waitUntil(() => leech.summaries()[0]?.status === 'seeding', 30_000, 'the selected file');
    assert.deepEqual(leech.files(s.id, 0, 10)?.files.map((f) => f.priority), ['skip', 'normal']);
    assert.deepEqual(await diffFiles(src, join(dir, 'dl-leech', 'payload'), ['y.bin']), []);
    assert.equal(await exists(join(dir, 'dl-leech', 'payload', 'x.bin')), false);
  } finally {
    await leech.close();
    await seed.close();
    await rm(dir, { recursive: true, force: true });
  }
});
