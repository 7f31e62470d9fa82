import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile, open, truncate, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTorrent } from '../metainfo/create-torrent.ts';
import { clipLayout, rangesWithData, verifyData, pieceMapOf } from './verify.ts';
import type { Metainfo } from '../metainfo/types.ts';

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

test('rangesWithData: whole pieces holding bytes on disk, merged; clipLayout cuts entries at those bounds', () => {
  const pl = 100;
  const entries = [
    { abs: '/a', length: 250, available: 250 }, // pieces 0-2
    { abs: null, length: 30 }, // a pad: never data
    { abs: null, length: 400, available: 0 }, // missing: 280-680
    { abs: '/b', length: 300, available: 120 }, // 680-980, 120 bytes on disk: pieces 6-7
    { abs: '/c', length: 0, available: 0 },
    { abs: '/d', length: 50, available: 50 }, // 980-1030: pieces 9-10
  ];
  // b.bin's bytes 800-980 are not on disk: piece 8 holds nothing there and is never read.
  assert.deepEqual(rangesWithData(entries, pl, 1030), [[0, 300], [600, 800], [900, 1030]]);
  const cut = clipLayout(entries, 600, 800);
  assert.deepEqual(cut.entries, [
    { abs: null, length: 80, offset: 320, available: 0 },
    { abs: '/b', length: 120, offset: 0, available: 120 },
  ]);
  assert.deepEqual(cut.from, [{ entry: 2, offset: 320 }, { entry: 3, offset: 0 }]);
  const tail = clipLayout(entries, 900, 1030);
  assert.deepEqual(tail.entries, [
    { abs: '/b', length: 80, offset: 220, available: 0 },
    { abs: '/c', length: 0, offset: 0, available: 0 },
    { abs: '/d', length: 50, offset: 0, available: 50 },
  ]);
  assert.deepEqual(tail.from.map((f) => f.entry), [3, 4, 5]);
  assert.deepEqual(clipLayout(entries, 100, 200).entries, [{ abs: '/a', length: 100, offset: 100, available: 100 }]);
});

for (const version of ['v1', 'v2', 'hybrid'] as const) {
  test(`${version}: a partial download verifies what is there; pieces with nothing on disk are bad without being read`, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tessera-verify-'));
    try {
      const src = path.join(dir, 'data');
      await mkdir(src);
      for (const [name, size] of [['a.bin', 70_000], ['b.bin', 90_000], ['c.bin', 40_000]] as const) {
        await writeFile(path.join(src, name), new Uint8Array(size).map((_, i) => (i * 13 + size) & 0xff));
      }
      const { meta } = await createTorrent(src, { version, pieceLength: 16384, creationDate: null });
      await unlink(path.join(src, 'b.bin'));
      await truncate(path.join(src, 'c.bin'), 20_000); // the first 20,000 bytes still there
      const r = await verifyData(meta, dir);
      const map = pieceMapOf(meta);
      const fileOf = (name: string): number => meta.files.findIndex((f) => f.path.join('/') === name);
      const touches = (p: number, name: string): boolean => map.spans(p).some((sp) => sp.fileIndex === fileOf(name) && sp.length > 0);
      const c = meta.files[fileOf('c.bin')]!;
      // Every piece touching b.bin is bad, a.bin's own pieces are good; in c.bin, the piece
      // holding bytes 16384-20000 (zeros after) and everything after are bad, its first piece good.
      for (let p = 0; p < meta.pieceCount; p++) {
        const inC = touches(p, 'c.bin');
        const expectBad = touches(p, 'b.bin') || (inC && p * 16384 + 16384 > c.offset + 16384);
        assert.equal(r.badPieces.includes(p), expectBad, `piece ${p}`);
      }
      assert.deepEqual(r.files.map((f) => [f.path.join('/'), f.status]).filter(([n]) => !String(n).startsWith('.pad')),
        [['a.bin', version === 'v1' ? 'bad' : 'ok'], ['b.bin', 'missing'], ['c.bin', 'wrong-size']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('a torrent claiming a terabyte that is not on disk: every piece bad at once, nothing read or held for it', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-verify-'));
  try {
    const pl = 4 * 1024 * 1024;
    const length = 2 ** 40;
    const pieces = length / pl; // 262,144
    for (const version of ['v1', 'v2'] as const) {
      // Hashing a terabyte of zeros would take minutes, and a v2 file's leaves would need 2 GiB.
      const meta: Metainfo = {
        version, name: 'huge.bin', pieceLength: pl, pieceCount: pieces, multiFile: false, private: false,
        files: [{ path: ['huge.bin'], length, offset: 0, padding: false, ...(version === 'v2' ? { piecesRoot: new Uint8Array(32).fill(1) } : {}) }],
        ...(version === 'v1' ? { pieces: new Uint8Array(pieces * 20) } : { pieceLayers: new Map() }),
      } as unknown as Metainfo;
      const r = await verifyData(meta, dir);
      assert.equal(r.files[0]!.status, 'missing');
      assert.equal(r.badPieces.length, pieces);
      assert.equal(r.goodPieces, 0);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
