import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile, stat, writeFile, readdir, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { TorrentFile } from '../metainfo/types.ts';
import { PieceMap } from './piece-map.ts';
import { FsStore, contentRoot, WRITE_CHUNK } from './fs-store.ts';
import { isTesseraError } from '../errors.ts';
import { fileLayout as layout } from '../../test-support/engine-fixtures.ts';

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-fs-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The torrent stream with padding as zeros; write it piece by piece. */
async function writeAll(store: FsStore, map: PieceMap, stream: Uint8Array, order?: number[]): Promise<void> {
  const pieces = order ?? Array.from({ length: map.pieceCount }, (_, i) => i);
  for (const p of pieces) {
    const start = p * map.pieceLength;
    await store.write(p, 0, stream.subarray(start, start + map.pieceSize(p)));
  }
}

function streamFor(files: TorrentFile[], total: number): Uint8Array {
  const s = bytes(total, 7);
  for (const f of files) if (f.padding) s.fill(0, f.offset, f.offset + f.length);
  return s;
}

test('multi-file: pieces spanning files round-trip; padding files are never created', async () => {
  await withDir(async (dir) => {
    const { files, total } = layout([
      { path: ['a.bin'], length: 40_000 },
      { path: ['.pad', '24000'], length: 24_000, padding: true },
      { path: ['sub', 'b.bin'], length: 70_000 },
      { path: ['empty'], length: 0 },
      { path: ['sub', 'deeper', 'c.bin'], length: 5 },
    ]);
    const map = new PieceMap(files, 32 * 1024, total);
    const store = new FsStore(dir, files, map);
    const stream = streamFor(files, total);
    await writeAll(store, map, stream, [3, 0, 4, 2, 1]);
    for (let p = 0; p < map.pieceCount; p++) {
      const start = p * map.pieceLength;
      assert.deepEqual(await store.readPiece(p), stream.subarray(start, start + map.pieceSize(p)));
    }
    // Sub-piece read across a file boundary.
    assert.deepEqual(await store.read(1, 5000, 20_000), stream.subarray(32 * 1024 + 5000, 32 * 1024 + 25_000));
    await store.close();
    assert.deepEqual(new Uint8Array(await readFile(path.join(dir, 'a.bin'))), stream.subarray(0, 40_000));
    assert.deepEqual(new Uint8Array(await readFile(path.join(dir, 'sub', 'b.bin'))), stream.subarray(64_000, 134_000));
    assert.deepEqual(new Uint8Array(await readFile(path.join(dir, 'sub', 'deeper', 'c.bin'))), stream.subarray(134_000));
    assert.equal(existsSync(path.join(dir, '.pad')), false);
    assert.equal(existsSync(path.join(dir, 'empty')), false, 'an empty file has no piece to write it');
  });
});

test('files are created at full length and sparse; existingFiles reports them', async () => {
  await withDir(async (dir) => {
    const { files, total } = layout([{ path: ['big.bin'], length: 64 * 1024 * 1024 }, { path: ['never.bin'], length: 10 }]);
    const map = new PieceMap(files, 1024 * 1024, total);
    const store = new FsStore(dir, files, map);
    await store.write(10, 0, bytes(16384, 1));
    const [big, never] = await store.existingFiles();
    assert.equal(big?.size, 64 * 1024 * 1024);
    assert.equal(never, null);
    if (process.platform === 'linux') {
      const st = await stat(path.join(dir, 'big.bin'));
      assert.ok(st.blocks * 512 < 8 * 1024 * 1024, `allocated ${st.blocks * 512} bytes for one block`);
    }
    assert.deepEqual(await store.read(63, 0, 4), new Uint8Array(4), "a hole reads as zeros");
    await assert.rejects(store.read(64, 0, 10), (e: unknown) => isTesseraError(e) && e.code === 'NOT_FOUND');
    await store.close();
  });
});

test('skipped files are not created; a shared piece is kept in the part file and adopted on unskip', async () => {
  await withDir(async (dir) => {
    const { files, total } = layout([
      { path: ['want.bin'], length: 50_000 },
      { path: ['skip.bin'], length: 50_000 },
    ]);
    const map = new PieceMap(files, 32 * 1024, total); // piece 1 = [32768, 65536) spans both files
    const part = path.join(dir, '.abc.parts');
    const store = new FsStore(dir, files, map, { partFile: part });
    store.setSkipped(new Set([1]));
    const stream = streamFor(files, total);
    await writeAll(store, map, stream, [0, 1]);
    assert.equal(existsSync(path.join(dir, 'skip.bin')), false);
    assert.ok(existsSync(part));
    assert.deepEqual(await store.readPiece(1), stream.subarray(32768, 65536));
    store.setSkipped(new Set());
    await writeAll(store, map, stream, [3, 2]);
    await store.close();
    // skip.bin now holds its head (adopted from the part file) and the rest.
    assert.deepEqual(new Uint8Array(await readFile(path.join(dir, 'skip.bin'))), stream.subarray(50_000));
  });
});

test('unsafe and colliding paths are refused before any write', async () => {
  await withDir(async (dir) => {
    const bad: string[][] = [['..', 'escape'], ['a', '..', '..', 'x'], ['/etc/passwd'], ['ok', ''], ['C:evil']];
    if (process.platform === 'win32') bad.push(['con.txt'], ['.. ']);
    for (const p of bad) {
      const { files, total } = layout([{ path: p, length: 10 }]);
      assert.throws(() => new FsStore(dir, files, new PieceMap(files, 16, total)), (e: unknown) => isTesseraError(e) && e.code === 'PATH_UNSAFE', p.join('/'));
    }
    const dup = layout([{ path: ['x'], length: 10 }, { path: ['x'], length: 10 }]);
    assert.throws(() => new FsStore(dir, dup.files, new PieceMap(dup.files, 16, dup.total)), (e: unknown) => isTesseraError(e) && e.code === 'PATH_UNSAFE');
    const nest = layout([{ path: ['x'], length: 10 }, { path: ['x', 'y'], length: 10 }]);
    assert.throws(() => new FsStore(dir, nest.files, new PieceMap(nest.files, 16, nest.total)), (e: unknown) => isTesseraError(e) && e.code === 'PATH_UNSAFE');
    assert.throws(() => contentRoot(dir, { multiFile: true, name: '..' }), (e: unknown) => isTesseraError(e) && e.code === 'PATH_UNSAFE');
    assert.deepEqual(await readdir(dir), []);
  });
});

test('a tiny handle cache under concurrent writes to many files stays correct', async () => {
  await withDir(async (dir) => {
    const { files, total } = layout(Array.from({ length: 12 }, (_, i) => ({ path: [`d${i % 3}`, `f${i}`], length: 3000 + i * 17 })));
    const map = new PieceMap(files, 4096, total);
    const store = new FsStore(dir, files, map, { maxOpenFiles: 2 });
    const stream = streamFor(files, total);
    await Promise.all(
      Array.from({ length: map.pieceCount }, (_, p) => store.write(p, 0, stream.subarray(p * 4096, p * 4096 + map.pieceSize(p)))),
    );
    const reads = await Promise.all(Array.from({ length: map.pieceCount }, (_, p) => store.readPiece(p)));
    reads.forEach((r, p) => assert.deepEqual(r, stream.subarray(p * 4096, p * 4096 + map.pieceSize(p))));
    await store.close();
  });
});

test('deleteAll removes our files and empty folders, and leaves the user’s files', async () => {
  await withDir(async (dir) => {
    const root = contentRoot(dir, { multiFile: true, name: 'T' });
    const { files, total } = layout([{ path: ['a', 'x'], length: 100 }, { path: ['b', 'y'], length: 100 }]);
    const map = new PieceMap(files, 64, total);
    const store = new FsStore(root, files, map);
    await writeAll(store, map, streamFor(files, total));
    await writeFile(path.join(root, 'b', 'mine.txt'), 'user data');
    await store.deleteAll();
    assert.equal(existsSync(path.join(root, 'a')), false);
    assert.deepEqual(await readdir(path.join(root, 'b')), ['mine.txt']);
    await assert.rejects(store.write(0, 0, new Uint8Array(1)), (e: unknown) => isTesseraError(e) && e.code === 'IO_ERROR');
  });
});

test('out-of-range writes and reads are refused', async () => {
  await withDir(async (dir) => {
    const { files, total } = layout([{ path: ['a'], length: 100 }]);
    const store = new FsStore(dir, files, new PieceMap(files, 64, total));
    await assert.rejects(store.write(1, 30, new Uint8Array(10)), (e: unknown) => isTesseraError(e) && e.code === 'BAD_ARGUMENT');
    await assert.rejects(store.read(2, 0, 1), (e: unknown) => isTesseraError(e) && e.code === 'BAD_ARGUMENT');
    await assert.rejects(store.read(0, -1, 1), (e: unknown) => isTesseraError(e) && e.code === 'BAD_ARGUMENT');
    await store.close();
  });
});

test('an existing file is reused, not truncated (seeding data already on disk)', async () => {
  await withDir(async (dir) => {
    const { files, total } = layout([{ path: ['s', 'a'], length: 1000 }]);
    const data = bytes(1000, 3);
    await mkdir(path.join(dir, 's'));
    await writeFile(path.join(dir, 's', 'a'), data);
    const store = new FsStore(dir, files, new PieceMap(files, 256, total));
    assert.deepEqual(await store.readPiece(3), data.subarray(768));
    await store.write(0, 0, new Uint8Array(256));
    assert.deepEqual(await store.readPiece(1), data.subarray(256, 512));
    await store.close();
  });
});

test('any layout and write order round-trips (property)', async () => {
  await withDir(async (dir) => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ length: fc.nat(3000), padding: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 2048 }),
        fc.nat(),
        async (specs, pl, seed) => {
          const { files, total } = layout(specs.map((s, i) => ({ path: [`f${i}`], length: s.length, padding: s.padding })));
          if (total === 0) return;
          const sub = path.join(dir, String(run++));
          const map = new PieceMap(files, pl, total);
          const store = new FsStore(sub, files, map, { maxOpenFiles: 3 });
          const stream = streamFor(files, total);
          const order = Array.from({ length: map.pieceCount }, (_, i) => i).sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
          await writeAll(store, map, stream, order);
          for (let p = 0; p < map.pieceCount; p++) {
            assert.deepEqual(await store.readPiece(p), stream.subarray(p * pl, p * pl + map.pieceSize(p)));
          }
          await store.close();
          for (const f of files) {
            const p = path.join(sub, ...f.path);
            if (f.padding || f.length === 0) assert.equal(existsSync(p), false);
            else assert.deepEqual(new Uint8Array(await readFile(p)), stream.subarray(f.offset, f.offset + f.length));
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

for (const inlineWrites of [true, false]) {
  test(`a piece larger than one write call (WRITE_CHUNK) lands whole, across a file boundary (${inlineWrites ? 'inline' : 'thread pool'})`, async () => {
    await withDir(async (dir) => {
      // 1 MiB pieces; file a ends 100 KiB past a WRITE_CHUNK boundary inside piece 1.
      const pl = 1 << 20;
      const { files, total } = layout([
        { path: ['a.bin'], length: pl + 3 * WRITE_CHUNK + 100 * 1024 },
        { path: ['b.bin'], length: pl + 12_345 },
      ]);
      const map = new PieceMap(files, pl, total);
      const store = new FsStore(dir, files, map, { inlineWrites });
      const stream = streamFor(files, total);
      await writeAll(store, map, stream, [2, 0, 1]);
      await store.close();
      assert.deepEqual(new Uint8Array(await readFile(path.join(dir, 'a.bin'))), stream.subarray(0, files[0]!.length));
      assert.deepEqual(new Uint8Array(await readFile(path.join(dir, 'b.bin'))), stream.subarray(files[0]!.length));
    });
  });
}
