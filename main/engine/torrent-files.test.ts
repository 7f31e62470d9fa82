// The Files tab's pages (torrent:files): padding files left out, each row naming its index in the
// torrent, its progress and priority, paged by position in the list without padding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from './metainfo/create-torrent.ts';
import { makePayload } from '../test-support/engine-fixtures.ts';
import { Session } from './session.ts';

test('files: pages of the file list without padding files, with index, progress and priority', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-files-'));
  const src = join(dir, 'payload');
  await makePayload(src, [{ path: 'a.bin', size: 20_000 }, { path: 'b.bin', size: 5 }, { path: 'sub/c.bin', size: 40_000 }]);
  // Hybrid: BEP 47 padding files after a.bin and b.bin in the v1 list.
  const { bytes, meta } = await createTorrent(src, { pieceLength: 16384, creationDate: null, version: 'hybrid' });
  const padded = meta.files.filter((f) => f.padding).length;
  assert.ok(padded > 0, 'the hybrid layout has padding files');
  const s = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  try {
    const t = await s.addTorrent(bytes, { savePath: join(dir, 'elsewhere'), paused: true });
    const real = meta.files.flatMap((f, i) => (f.padding ? [] : [i]));
    s.setFilePriorities(t.id, [{ index: real[1] as number, priority: 'skip' }]);
    const all = s.files(t.id, 0, 100);
    assert.equal(all?.total, 3);
    assert.deepEqual(all?.files.map((f) => [f.index, f.path, f.length, f.priority]), [
      [real[0], 'a.bin', 20_000, 'normal'], [real[1], 'b.bin', 5, 'skip'], [real[2], 'sub/c.bin', 40_000, 'normal'],
    ]);
    assert.ok(all?.files.every((f) => f.doneBytes === 0), 'nothing on disk where it is saved');
    assert.deepEqual(s.files(t.id, 1, 1)?.files.map((f) => f.path), ['b.bin']);
    assert.deepEqual(s.files(t.id, 2, 100)?.files.map((f) => f.path), ['sub/c.bin']);
    assert.deepEqual(s.files(t.id, 3, 10), { total: 3, files: [] });
    assert.equal(s.files('f'.repeat(40), 0, 10), undefined);
    assert.equal('files' in (s.detail(t.id) ?? {}), false, 'the 4 Hz detail carries no file list');
  } finally {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  }
});
