// Session lifecycle on loopback, no reference tools: restore after close without re-hashing,
// pause/resume/remove, a duplicate add returns the existing torrent, a bad file is refused,
// and a Tessera leecher completes from a Tessera seed with a skipped file never created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from './metainfo/create-torrent.ts';
import { diffFiles, exists, makePayload, waitUntil } from '../test-support/engine-fixtures.ts';
import { isTesseraError } from './errors.ts';
import { Session } from './session.ts';

const FILES = [{ path: 'x.bin', size: 700_000 }, { path: 'y.bin', size: 300_001 }, { path: 'z.bin', size: 500_000 }];

test('session: seed + leech with a skipped file, restore after close, pause/resume/remove', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-session-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const { bytes } = await createTorrent(src, { pieceLength: 16384, creationDate: null });
  const open = (name: string): Promise<Session> => Session.open({ stateDir: join(dir, name), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  let seed = await open('s1');
  const leech = await open('s2');
  try {
    await assert.rejects(seed.addTorrent(new Uint8Array([1, 2, 3])), (e: unknown) => isTesseraError(e));
    const s = await seed.addTorrent(bytes, { savePath: join(dir, 'seed') });
    assert.equal((await seed.addTorrent(bytes)).id, s.id, 'a duplicate add returns the existing torrent');
    await waitUntil(() => seed.summaries()[0]?.status === 'seeding', 20_000, 'the seed check');
    assert.equal(seed.torrent(s.id)?.recheckedPieces, seed.torrent(s.id)?.pieceMap.pieceCount);

    await leech.addTorrent(bytes, { savePath: join(dir, 'dl'), filePriorities: ['normal', 'skip', 'normal'], peers: [{ host: '127.0.0.1', port: seed.port }] });
    await waitUntil(() => leech.summaries()[0]?.status === 'seeding', 30_000, 'the leecher to finish the wanted files');
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), ['x.bin', 'z.bin']), []);
    assert.equal(await exists(join(dir, 'dl', 'payload', 'y.bin')), false, 'the skipped file is never created');
    assert.deepEqual((await readdir(join(dir, 'dl', 'payload'))).sort(), ['x.bin', 'z.bin']);
    const d = leech.detail(s.id);
    const pieces = seed.torrent(s.id)?.pieceMap.pieceCount ?? -1;
    assert.equal(leech.files(s.id, 0, 10)?.files[1]?.priority, 'skip');
    assert.equal(d?.availability.length, pieces);
    assert.equal(d?.have.length, Math.ceil(pieces / 8));

    // Restart the seed: restored from the state folder, trusted without hashing anything.
    await seed.close();
    seed = await open('s1');
    assert.equal(seed.summaries().length, 1);
    await seed.torrent(s.id)?.ready;
    assert.equal(seed.summaries()[0]?.status, 'seeding');
    assert.equal(seed.torrent(s.id)?.recheckedPieces, 0);
    assert.equal(seed.torrentFile(s.id)?.length, bytes.length);

    seed.pause(s.id);
    assert.equal(seed.summaries()[0]?.status, 'paused');
    seed.resume(s.id);
    assert.equal(seed.summaries()[0]?.status, 'seeding');
    await seed.remove(s.id, { deleteData: false });
    assert.equal(seed.summaries().length, 0);
    assert.ok(await exists(join(src, 'x.bin')), 'remove without deleteData keeps the files');
  } finally {
    await leech.close();
    await seed.close();
    await rm(dir, { recursive: true, force: true });
  }
});
