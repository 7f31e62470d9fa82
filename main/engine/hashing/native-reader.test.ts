// The addon reading and hashing files on threads of its own (native/hash-files.h through
// native-reader.ts), against node:crypto over the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Sha1x8 } from './native-sha1.ts';
import { nativeForTests } from './native-for-tests.ts';
import { HashPool } from './hash-pool.ts';
import { hashLayout } from './layout-hasher.ts';
import { TesseraError } from '../errors.ts';

const { built, x8, why } = await nativeForTests('native-reader.test');
const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A layout segment for these tests: [path | null, pos, len, avail, leaves]. */
type Seg = [string | null, number, number, number, boolean];

/** The layout's bytes in memory (zeros for null paths and past avail). */
async function layoutBytes(segs: Seg[]): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  for (const [file, pos, len, avail] of segs) {
    const part = Buffer.alloc(len);
    if (file !== null) part.set((await readFile(file)).subarray(pos, pos + Math.min(len, avail)));
    parts.push(part);
  }
  return parts;
}

/** node:crypto's answer: pieces (when pl > 0) and each leaves segment's 16 KiB SHA-256s. */
async function expected(segs: Seg[], pl: number): Promise<{ pieces: string; leaves: string }> {
  const parts = await layoutBytes(segs);
  const all = Buffer.concat(parts);
  let pieces = '';
  if (pl > 0) for (let a = 0; a < all.length; a += pl) pieces += sha1(all.subarray(a, a + pl));
  let leaves = '';
  parts.forEach((part, i) => {
    if (!(segs[i] as Seg)[4]) return;
    for (let a = 0; a < part.length; a += 16384) leaves += createHash('sha256').update(part.subarray(a, a + 16384)).digest('hex');
  });
  return { pieces, leaves };
}

async function hashFiles(m: Sha1x8, segs: Seg[], pl: number, sha1: boolean, threads: number, control = new Int32Array(2)): Promise<{ pieces: string; leaves: string }> {
  const total = segs.reduce((t, g) => t + g[2], 0);
  const leafCount = segs.reduce((t, g) => t + (g[4] ? Math.ceil(g[2] / 16384) : 0), 0);
  const pieces = new Uint8Array(sha1 ? Math.ceil(total / pl) * 20 : 0);
  const leaves = new Uint8Array(leafCount * 32);
  const nums = new Float64Array(segs.flatMap(([, pos, len, avail, l]) => [pos, len, avail, 0, l ? 1 : 0]));
  await m.hashFiles(segs.map((g) => g[0]), nums, pl, pieces, leaves, control, threads);
  return { pieces: hex(pieces), leaves: hex(leaves) };
}

/** Runs `body` with the addon and a fresh folder; the addon's engine (SHA-NI or AVX2) is restored after. */
async function withAddon(prefix: string, body: (m: Sha1x8, dir: string) => Promise<void>): Promise<void> {
  const m = x8 as Sha1x8;
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const initial = m.engine();
  try {
    await body(m, dir);
  } finally {
    m.useEngine(initial);
    await rm(dir, { recursive: true, force: true });
  }
}

test('hashFiles: the pieces of many small files, zeros and short files equal node:crypto, on 1-3 threads, in each implementation', { skip: why }, async () => {
  await withAddon('tessera-layout-', async (m, dir) => {
    // 40 files: more than the 16 a thread keeps open, so its descriptor cache evicts and reopens.
    const segs: Seg[] = [];
    for (let i = 0; i < 40; i++) {
      const len = (i * 7919) % 50_000;
      const file = path.join(dir, `f${i}`);
      await writeFile(file, new Uint8Array(len + 3).map((_, k) => (k * 13 + i) & 0xff));
      if (i % 9 === 4) segs.push([null, 0, 1000 + i, 0, false]); // a pad file
      segs.push([file, i % 3, len, i % 5 === 0 ? Math.floor(len / 2) : len, false]); // every fifth file short
    }
    const total = segs.reduce((t, g) => t + g[2], 0);
    for (const engine of m.engines) {
      assert.equal(m.useEngine(engine), true);
      for (const pl of [64, 1000, 16384, 20_000, 262144, total, total + 5]) {
        const want = await expected(segs, pl);
        for (const threads of [1, 2, 3]) {
          const control = new Int32Array(2);
          const got = await hashFiles(m, segs, pl, true, threads, control);
          assert.equal(got.pieces, want.pieces, `${engine}, piece length ${pl}, ${threads} thread(s)`);
          assert.equal(control[1], Math.ceil(total / pl), 'every piece counted once');
        }
      }
    }
  });
});

test('hashFiles: v2 leaves and hybrid pieces over piece-aligned files (BEP 47 pads, v2 gaps) equal node:crypto, in each implementation', { skip: why }, async () => {
  await withAddon('tessera-leaves-', async (m, dir) => {
    for (const pl of [16384, 32768, 262144]) {
      // Files aligned to pieces by zeros after each (a hybrid's pad files, a v2 layout's gaps), one short on disk.
      const segs: Seg[] = [];
      for (let i = 0; i < 12; i++) {
        const len = [1, 16383, 16384, 16385, 50_000, 300_000, 0, 131072, 700_001, 5, 262144, 99_999][i] as number;
        const file = path.join(dir, `p${pl}-${i}`);
        await writeFile(file, new Uint8Array(len).map((_, k) => (k * 7 + i * 3) & 0xff));
        segs.push([file, 0, len, i === 4 ? 20_000 : len, true]);
        if (len % pl !== 0 && i < 11) segs.push([null, 0, pl - (len % pl), 0, false]);
      }
      const want = await expected(segs, pl);
      for (const engine of m.engines) {
        assert.equal(m.useEngine(engine), true);
        for (const threads of [1, 3]) {
          const hybrid = await hashFiles(m, segs, pl, true, threads);
          assert.equal(hybrid.pieces, want.pieces, `hybrid pieces, ${engine}, ${pl}, ${threads}`);
          assert.equal(hybrid.leaves, want.leaves, `hybrid leaves, ${engine}, ${pl}, ${threads}`);
          const v2 = await hashFiles(m, segs, pl, false, threads);
          assert.equal(v2.pieces, '');
          assert.equal(v2.leaves, want.leaves, `v2 leaves, ${engine}, ${pl}, ${threads}`);
        }
      }
    }
    // Leaves that would straddle two reads are refused, not hashed wrong.
    const file = path.join(dir, 'p16384-0');
    assert.throws(() => m.hashFiles([null, file], new Float64Array([0, 100, 0, 0, 0, 0, 1, 1, 0, 1]), 16384, new Uint8Array(20), new Uint8Array(32), new Int32Array(2), 1), RangeError);
    assert.throws(() => m.hashFiles([file], new Float64Array([0, 1, 1, 0, 1]), 1000, new Uint8Array(20), new Uint8Array(32), new Int32Array(2), 1), RangeError);
  });
});

test('hashFiles: a missing or shrunk file rejects with its errno, a stop ends early, bad arguments throw', { skip: why }, async () => {
  const m = x8 as Sha1x8;
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-layout-'));
  try {
    const file = path.join(dir, 'small');
    await writeFile(file, new Uint8Array(1000));
    const run = (p: string | null, len: number, avail: number, strict: number, control = new Int32Array(2)): Promise<void> =>
      m.hashFiles([p], new Float64Array([0, len, avail, strict, 0]), 16384, new Uint8Array(Math.ceil(len / 16384) * 20), new Uint8Array(0), control, 2);
    await assert.rejects(run(path.join(dir, 'missing'), 10, 10, 1), (e: Error & { errno?: number }) => /No such file/.test(e.message) && e.errno === 2);
    await assert.rejects(run(file, 5000, 5000, 1), (e: Error & { errno?: number }) => /shrank/.test(e.message) && e.errno === 0);
    await run(file, 5000, 5000, 0); // not strict: the missing tail reads as zeros
    const control = new Int32Array([1, 0]);
    await run(file, 1 << 20, 1 << 20, 0, control);
    assert.equal(control[1], 0, 'stopped before the first group');
    const ok = { nums: new Float64Array([0, 10, 10, 0, 0]), pieces: new Uint8Array(20), leaves: new Uint8Array(0), control: new Int32Array(2) };
    const call = (o: Partial<typeof ok> & { paths?: unknown[]; pl?: number; threads?: number }) => () =>
      m.hashFiles((o.paths ?? [file]) as string[], o.nums ?? ok.nums, o.pl ?? 16384, o.pieces ?? ok.pieces, o.leaves ?? ok.leaves, o.control ?? ok.control, o.threads ?? 1);
    const bad = [
      call({ nums: new Float64Array([0, 10, 10, 0]) }), // 4 numbers
      call({ pieces: new Uint8Array(40) }), // too long
      call({ pieces: new Uint8Array(0) }), // nothing to hash
      call({ leaves: new Uint8Array(32) }), // leaves for a segment that asks none
      call({ pl: 0 }),
      call({ control: new Int32Array(1) }),
      call({ threads: 0 }),
      call({ threads: 65 }),
      call({ nums: new Float64Array([-1, 10, 10, 0, 0]) }),
      call({ nums: new Float64Array([0, 0.5, 10, 0, 0]) }),
      call({ paths: [file + '\0x'] }),
      call({ paths: [7] }),
      call({ paths: [null], nums: new Float64Array([0, 0, 0, 0, 0]), pieces: new Uint8Array(0) }), // empty
    ];
    for (const [i, f] of bad.entries()) assert.throws(f, RangeError, `bad call ${i}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('hash pool on the addon: progress, abort, v2 jobs off the workers, and read errors as IO_ERROR with the errno name', { skip: why }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-layout-'));
  const pool = new HashPool({ threads: 2, sha1x8: built.path });
  try {
    const native = pool.native!;
    assert.ok(native);
    const file = path.join(dir, 'data');
    const data = new Uint8Array(3 << 20).map((_, i) => (i * 7) >>> 4);
    await writeFile(file, data);
    const seg = { path: file, pos: 0, len: data.length, avail: data.length, blocks: false, strict: true };
    const progress: number[] = [];
    const d = await native.hashSegments([seg], 65536, { sha1: true, onProgress: (b) => progress.push(b) });
    assert.equal(hex(d.pieces!.subarray(20 * 47, 20 * 48)), sha1(data.subarray(47 * 65536, 48 * 65536)));
    assert.equal(progress.at(-1), data.length);
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(native.hashSegments([seg], 65536, { sha1: true, signal: aborted.signal }), (e: unknown) => e instanceof TesseraError && e.code === 'ABORTED');
    // A polled stop (a torrent stopped while its data is checked) ends a long call before its end:
    // 64 GiB of zeros would take the threads ~15 s.
    const zeros = { path: null, pos: 0, len: 64 * 2 ** 30, avail: 0, blocks: false, strict: false };
    const progressed: number[] = [];
    await assert.rejects(native.hashSegments([zeros], 2 ** 20, { sha1: true, stop: () => progressed.length > 0, onProgress: (b) => progressed.push(b) }),
      (e: unknown) => e instanceof TesseraError && e.code === 'ABORTED');
    assert.ok((progressed.at(-1) as number) < zeros.len);
    const before = native.calls;
    const r = await pool.readHash([seg], 65536, true);
    assert.equal(hex(r.pieces!), hex(d.pieces!));
    const leaves = await pool.readHash([{ ...seg, blocks: true }], 65536, false);
    assert.equal(leaves.pieces, null);
    assert.equal(hex(leaves.blocks[0]!.subarray(32 * 9, 32 * 10)), createHash('sha256').update(data.subarray(9 * 16384, 10 * 16384)).digest('hex'));
    assert.equal(native.calls, before + 2, 'v1 and v2 jobs ran in the addon');
    // Leaves off a 16 KiB boundary go to the workers, with the same result.
    const odd = await pool.readHash([{ path: null, pos: 0, len: 100, avail: 0, blocks: false, strict: true }, { ...seg, len: 40_000, avail: 40_000, blocks: true }], 65536, false);
    assert.equal(native.calls, before + 2);
    assert.equal(hex(odd.blocks[1]!.subarray(0, 32)), createHash('sha256').update(data.subarray(0, 16384)).digest('hex'));
    await assert.rejects(pool.readHash([{ ...seg, path: path.join(dir, 'missing') }], 65536, true),
      (e: unknown) => e instanceof TesseraError && e.code === 'IO_ERROR' && /^ENOENT: .*missing: No such file/.test(e.message));
    // hashLayout reads even with no callback to hand the digests to (a missing file still fails).
    await assert.rejects(hashLayout(pool, [{ abs: path.join(dir, 'missing'), length: 10 }], { pieceLength: 16384, sha1: true }),
      (e: unknown) => e instanceof TesseraError && e.code === 'IO_ERROR');
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
});

