import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { TorrentFile } from './metainfo/types.ts';
import { fileLayout } from '../test-support/engine-fixtures.ts';
import { PieceMap } from './storage/piece-map.ts';
import { FsStore } from './storage/fs-store.ts';
import { HashPool } from './hashing/hash-pool.ts';
import { checkPieces, consecutiveRuns, type CheckStore, type MerkleCheck } from './torrent-check.ts';
import { makePayload } from '../test-support/engine-fixtures.ts';
import { createTorrent } from './metainfo/create-torrent.ts';
import { parseTorrent } from './metainfo/parse-torrent.ts';
import { merkleVerifierOf, pieceMapOf } from './torrent-v2.ts';
import type { MerkleVerifier } from './pieces/merkle-verify.ts';
import { contentRoot } from './storage/fs-store.ts';

test('consecutiveRuns: splits at gaps and at the length cap, and loses nothing', () => {
  assert.deepEqual(consecutiveRuns([0, 1, 2, 3, 4, 7, 8, 3, 4], 3), [[0, 1, 2], [3, 4], [7, 8], [3, 4]]);
  assert.deepEqual(consecutiveRuns([], 4), []);
  fc.assert(fc.property(fc.array(fc.nat(50)), fc.integer({ min: 1, max: 9 }), (pieces, max) => {
    const runs = consecutiveRuns(pieces, max);
    assert.deepEqual(runs.flat(), pieces);
    for (const r of runs) {
      assert.ok(r.length >= 1 && r.length <= max);
      r.forEach((p, i) => { if (i > 0) assert.equal(p, (r[i - 1] as number) + 1); });
    }
  }));
});

const PL = 16384;
const SPECS = [
  { path: ['a.bin'], length: 40_000 },
  { path: ['.pad', '24768'], length: 24_768, padding: true },
  { path: ['b.bin'], length: 100_000 },
  { path: ['c.bin'], length: 70_001 },
];

/** A store, its data written, and the v1 piece hashes of that data. */
async function fixture(dir: string, skipped: number[] = []): Promise<{ store: FsStore; map: PieceMap; hashes: Uint8Array; files: TorrentFile[] }> {
  const { files, total } = fileLayout(SPECS);
  const map = new PieceMap(files, PL, total);
  const stream = new Uint8Array(total).map((_, i) => (i * 131 + (i >> 9)) & 0xff);
  for (const f of files) if (f.padding) stream.fill(0, f.offset, f.offset + f.length);
  const hashes = new Uint8Array(map.pieceCount * 20);
  const writer = new FsStore(dir, files, map, { inlineWrites: false });
  writer.setSkipped(new Set(skipped));
  for (let p = 0; p < map.pieceCount; p++) {
    const piece = stream.subarray(p * PL, p * PL + map.pieceSize(p));
    hashes.set(createHash('sha1').update(piece).digest(), p * 20);
    // Pieces wholly inside a skipped file are never downloaded.
    if (map.spans(p).every((s) => s.padding || skipped.includes(s.fileIndex))) continue;
    await writer.write(p, 0, piece);
  }
  await writer.close();
  // Checked by a store opened afterwards, as at a restart (an open handle would still read a deleted file).
  const store = new FsStore(dir, files, map, { inlineWrites: false });
  store.setSkipped(new Set(skipped));
  return { store, map, hashes, files };
}

/** The same store as seen by the read-here path (no diskSegments) and, optionally, without existingFiles. */
function readHere(store: FsStore, withExisting: boolean): CheckStore {
  return withExisting
    ? { readPiece: (p) => store.readPiece(p), existingFiles: () => store.existingFiles() }
    : { readPiece: (p) => store.readPiece(p) };
}

function noExisting(store: FsStore): CheckStore {
  return { readPiece: (p) => store.readPiece(p), diskSegments: (f, n) => store.diskSegments(f, n) };
}

/** Runs `fn` with the default pool (the addon's threads when it is built) and with hash workers only. */
async function withPool(fn: (dir: string, pool: HashPool) => Promise<void>): Promise<void> {
  for (const nativeThreads of [undefined, 0]) {
    const dir = await mkdtemp(path.join(tmpdir(), 'tessera-check-'));
    const pool = new HashPool(nativeThreads === undefined ? { threads: 2 } : { threads: 2, nativeThreads });
    try {
      await fn(dir, pool);
    } finally {
      await pool.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

test('checkPieces in the hash workers: a flipped byte fails exactly its piece, as when read here', async () => {
  await withPool(async (dir, pool) => {
    const { store, map, hashes, files } = await fixture(dir);
    const all = Array.from({ length: map.pieceCount }, (_, i) => i);
    const lengths = files.map((f) => f.length);
    const intact = await checkPieces(store, pool, hashes, map, lengths, all, () => false);
    assert.deepEqual(sorted(intact.good), all);
    assert.equal(intact.hashed, map.pieceCount);

    // Flip one byte of b.bin, 30,000 bytes in: stream offset 64,768 + 30,000 → piece 5.
    const fh = await open(path.join(dir, 'b.bin'), 'r+');
    const one = new Uint8Array(1);
    await fh.read(one, 0, 1, 30_000);
    one[0] = (one[0] as number) ^ 0xff;
    await fh.write(one, 0, 1, 30_000);
    await fh.close();
    const damaged = await checkPieces(store, pool, hashes, map, lengths, all, () => false);
    assert.deepEqual(sorted(damaged.good), all.filter((p) => p !== 5));
    const here = await checkPieces(readHere(store, true), pool, hashes, map, lengths, all, () => false);
    assert.deepEqual(sorted(here.good), sorted(damaged.good));

    // A sparse, unordered list of pieces to recheck.
    const some = [9, 2, 3, 4, 5, 12, 0];
    const part = await checkPieces(store, pool, hashes, map, lengths, some, () => false);
    assert.deepEqual(sorted(part.good), [0, 2, 3, 4, 9, 12]);
    await store.close();
  });
});

test('checkPieces in the hash workers: a missing or short file fails its pieces only', async () => {
  await withPool(async (dir, pool) => {
    const { store, map, hashes, files } = await fixture(dir);
    const all = Array.from({ length: map.pieceCount }, (_, i) => i);
    const lengths = files.map((f) => f.length);
    // c.bin (stream 164,768..234,769) gone: pieces 10..14 are not there. Without existingFiles the
    // workers are asked for them and the store says they cannot be read (diskSegments null).
    await unlink(path.join(dir, 'c.bin'));
    const cGone = all.filter((p) => p < 10);
    for (const s of [store, noExisting(store)]) {
      const r = await checkPieces(s, pool, hashes, map, lengths, all, () => false);
      assert.deepEqual(sorted(r.good), cGone);
    }
    // b.bin cut short (64,768..164,768, cut to 50,000 bytes): its tail pieces fail; read as zeros.
    const fh = await open(path.join(dir, 'b.bin'), 'r+');
    await fh.truncate(50_000);
    await fh.close();
    const r = await checkPieces(noExisting(store), pool, hashes, map, lengths, all, () => false);
    assert.deepEqual(sorted(r.good), [0, 1, 2, 3, 4, 5, 6]);
    const here = await checkPieces(readHere(store, false), pool, hashes, map, lengths, all, () => false);
    assert.deepEqual(sorted(here.good), sorted(r.good));
    await store.close();
  });
});

test('checkPieces in the hash workers: a skipped file\'s share of a piece is read from the part file', async () => {
  await withPool(async (dir, pool) => {
    // b.bin skipped and never created: piece 9 (147,456..163,840) lies in b only and was never
    // downloaded; piece 10 (163,840..180,224) spans b's tail and c's head, b's share in the part file.
    const { store, map, hashes, files } = await fixture(dir, [2]);
    const lengths = files.map((f) => f.length);
    const segs = await store.diskSegments(10, 1);
    assert.ok(segs !== null);
    assert.deepEqual(segs.map((s) => path.basename(s.path ?? '(zeros)')), ['.tessera.parts', 'c.bin']);
    const r = await checkPieces(noExisting(store), pool, hashes, map, lengths, [9, 10, 11], () => false);
    assert.deepEqual(sorted(r.good), [10, 11]);
    await store.close();
  });
});

for (const version of ['v2', 'hybrid'] as const) {
  test(`checkPieces of a ${version} torrent in the hash workers (leaf hashes back, trees built here) agrees with reading each piece here`, async () => {
    await withPool(async (dir, pool) => {
      const src = path.join(dir, 'payload');
      // A multi-piece file with a short tail, a file of one short piece, one of exactly a piece, and one between.
      await makePayload(src, [{ path: 'a.bin', size: 5 * 32768 + 1000 }, { path: 'b.bin', size: 300 }, { path: 'c.bin', size: 32768 }, { path: 'd/e.bin', size: 32768 + 16384 + 7 }]);
      const meta = parseTorrent((await createTorrent(src, { version, pieceLength: 32768, creationDate: null })).bytes);
      const map = pieceMapOf(meta);
      const v = merkleVerifierOf(meta, map.pieceCount) as MerkleVerifier;
      const merkle: MerkleCheck = { data: (p, d) => v.verify(p, d), leaves: (p, l) => v.verifyLeaves(p, l) };
      const lengths = meta.files.map((f) => f.length);
      const all = Array.from({ length: map.pieceCount }, (_, i) => i);
      const run = async (): Promise<{ workers: number[]; here: number[] }> => {
        const store = new FsStore(contentRoot(dir, meta), meta.files, map, { inlineWrites: false });
        const readHash = pool.readHash.bind(pool);
        let jobs = 0;
        pool.readHash = (...a: Parameters<HashPool['readHash']>) => { jobs++; return readHash(...a); };
        // Read off this thread: by the addon's threads in one call, else by worker jobs.
        const offThread = (): number => jobs + (pool.native?.calls ?? 0);
        try {
          let before = offThread();
          const workers = await checkPieces(store, pool, meta.pieces, map, lengths, all, () => false, merkle);
          assert.ok(offThread() > before, 'the pieces were read off this thread');
          if (pool.native) assert.equal(jobs, 0, 'in one call to the addon');
          before = offThread();
          const here = await checkPieces(readHere(store, true), pool, meta.pieces, map, lengths, all, () => false, merkle);
          assert.equal(offThread(), before, 'without diskSegments nothing is read off this thread');
          assert.equal(workers.hashed, here.hashed);
          return { workers: sorted(workers.good), here: sorted(here.good) };
        } finally {
          pool.readHash = readHash;
          await store.close();
        }
      };
      const intact = await run();
      assert.deepEqual(intact.workers, intact.here);
      const dataPieces = all.filter((p) => map.spans(p).some((s) => !s.padding && s.length > 0));
      assert.deepEqual(intact.workers, dataPieces, 'every piece with data is good');
      // One flipped byte in a.bin's third piece, one in e.bin's tail.
      for (const [file, at] of [['a.bin', 2 * 32768 + 5], ['d/e.bin', 32768 + 16384 + 3]] as const) {
        const fh = await open(path.join(src, file), 'r+');
        const b = new Uint8Array(1);
        await fh.read(b, 0, 1, at);
        b[0] = (b[0] as number) ^ 0x40;
        await fh.write(b, 0, 1, at);
        await fh.close();
      }
      const damaged = await run();
      assert.deepEqual(damaged.workers, damaged.here);
      assert.equal(damaged.workers.length, dataPieces.length - 2, 'exactly the two damaged pieces fail');
    });
  });
}
