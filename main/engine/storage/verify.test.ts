import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile, open, truncate, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTorrent } from '../metainfo/create-torrent.ts';
import { verifyData, pieceMapOf } from './verify.ts';

async function flip(file: string, at: number): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    b[0] = b[0]! ^ 0xff;
    await fh.write(b, 0, 1, at);
  } finally {
    await fh.close();
  }
}

for (const version of ['v1', 'v2', 'hybrid'] as const) {
  test(`${version}: intact data passes; flipped byte, missing and wrong-size files are found`, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tessera-verify-'));
    try {
      const src = path.join(dir, 'data');
      await mkdir(path.join(src, 'sub'), { recursive: true });
      await writeFile(path.join(src, 'one.bin'), new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff));
      await writeFile(path.join(src, 'sub', 'two.bin'), new Uint8Array(50_000).map((_, i) => (i * 11) & 0xff));
      await writeFile(path.join(src, 'three.txt'), 'three');
      const { meta } = await createTorrent(src, { version, pieceLength: 16384, creationDate: null });
      const ok = await verifyData(meta, dir);
      assert.equal(ok.ok, true);
      assert.deepEqual(ok.badPieces, []);
      assert.deepEqual(ok.files.map((f) => [f.path.join('/'), f.status]), [['one.bin', 'ok'], ['sub/two.bin', 'ok'], ['three.txt', 'ok']]);

      // Flip byte 40000 of sub/two.bin: exactly the piece holding it goes bad, in that file only.
      await flip(path.join(src, 'sub', 'two.bin'), 40_000);
      const twoIndex = meta.files.findIndex((f) => f.path.join('/') === 'sub/two.bin');
      const two = meta.files[twoIndex]!;
      const expectPiece = Math.floor((two.offset + 40_000) / 16384);
      const r = await verifyData(meta, dir);
      assert.equal(r.ok, false);
      assert.deepEqual(r.badPieces, [expectPiece]);
      assert.ok(pieceMapOf(meta).spans(expectPiece).some((s) => s.fileIndex === twoIndex));
      assert.deepEqual(r.files.map((f) => [f.path.join('/'), f.status, f.badPieces]), [['one.bin', 'ok', 0], ['sub/two.bin', 'bad', 1], ['three.txt', 'ok', 0]]);
      await flip(path.join(src, 'sub', 'two.bin'), 40_000);

      await unlink(path.join(src, 'three.txt'));
      await truncate(path.join(src, 'one.bin'), 99_000);
      const m = await verifyData(meta, dir);
      assert.equal(m.ok, false);
      // In v1 the piece spanning the end of one.bin and the start of sub/two.bin fails too, so
      // two.bin is reported with that shared bad piece; v2/hybrid files have pieces of their own.
      assert.deepEqual(m.files.map((f) => f.status), ['wrong-size', version === 'v1' ? 'bad' : 'ok', 'missing']);
      assert.equal(m.files[0]!.actualLength, 99_000);
      assert.equal(m.missingFiles, 1);
      assert.equal(m.wrongSizeFiles, 1);
      assert.ok(m.badPieces.includes(Math.floor(99_000 / 16384)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('single-file torrent verifies the file directly under the folder, and reports progress', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-verify-'));
  try {
    await writeFile(path.join(dir, 'f.bin'), new Uint8Array(40_000).fill(3));
    const { meta } = await createTorrent(path.join(dir, 'f.bin'), { pieceLength: 16384 });
    let last = 0;
    const r = await verifyData(meta, dir, { onProgress: (d, t) => { assert.ok(d >= last && d <= t); last = d; } });
    assert.equal(r.ok, true);
    assert.equal(last, 40_000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
