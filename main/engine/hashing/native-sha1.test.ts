import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { findSha1x8, loadSha1x8, SHA1X8_LANES, type Sha1x8 } from './native-sha1.ts';
import { HashPool } from './hash-pool.ts';
import { hashLayout, type LayoutEntry } from './layout-hasher.ts';
import { TesseraError } from '../errors.ts';

// The addon is built here (as `npm test` does first). A machine that cannot build or load it runs
// these tests as a loud skip, and CI, which must, fails instead; a CPU with neither SHA-NI nor
// AVX2 (the addon loads but offers nothing) is a loud skip everywhere.
const build: { ensureNative: () => { path: string | null; note: string } } =
  await import(new URL('../../../scripts/native-build.mjs', import.meta.url).href);
const built = build.ensureNative();
const x8: Sha1x8 | null = loadSha1x8(built.path);
let loads = false;
if (built.path) {
  try {
    process.dlopen({ exports: {} }, built.path);
    loads = true;
  } catch {
    loads = false;
  }
}
const why = x8 ? undefined : loads ? 'this CPU has neither SHA-NI nor AVX2: node:crypto is used instead'
  : `sha1x8 addon not built or not loadable (${built.note}): node:crypto is used instead`;
if (why) {
  console.error(`[native-sha1.test] SKIPPED: ${why}`);
  if (process.env.CI === 'true' && !loads) test('the sha1x8 addon builds and loads (required under CI=true)', () => assert.fail(why));
}

const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Eight lanes of `len` bytes, `stride` apart, hashed in update() steps of `step` bytes, then final(). */
function hashLanes(m: Sha1x8, data: Uint8Array, stride: number, len: number, step: number): string[] {
  const state = new Uint8Array(160);
  m.init(state);
  let off = 0;
  for (; len - off > step; off += step) m.update(state, data.subarray(off), stride, step);
  const d = m.final(state, data.subarray(off), stride, len - off, len);
  return Array.from({ length: SHA1X8_LANES }, (_, i) => hex(d.subarray(i * 20, i * 20 + 20)));
}

test('sha1x8: eight lanes equal node:crypto for every length, stride and update step, in each implementation', { skip: why }, () => {
  const m = x8 as Sha1x8;
  const initial = m.engine();
  assert.ok(m.engines.length > 0 && m.engines.includes(initial));
  try {
    for (const engine of m.engines) {
      assert.equal(m.useEngine(engine), true);
      assert.equal(m.engine(), engine);
      checkLanes(m);
    }
  } finally {
    m.useEngine(initial);
  }
  assert.equal(m.useEngine('no-such-engine'), false);
});

function checkLanes(m: Sha1x8): void {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 8 }), fc.integer(),
    (len, gap, steps, seed) => {
      const stride = len + gap;
      const data = new Uint8Array(7 * stride + len).map((_, i) => (i * 2654435761 + seed) >>> 24);
      const lanes = Array.from({ length: SHA1X8_LANES }, (_, i) => sha1(data.subarray(i * stride, i * stride + len)));
      assert.deepEqual(hashLanes(m, data, stride, len, 64 * steps), lanes);
    }), { numRuns: 300 });
  // The padding boundaries: 55 bytes fit the length in one block, 56 need a second.
  for (const len of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 262144]) {
    const data = new Uint8Array(8 * len).map((_, i) => i * 7);
    assert.deepEqual(hashLanes(m, data, len, len, 131072), Array.from({ length: 8 }, (_, i) => sha1(data.subarray(i * len, (i + 1) * len))), `${m.engine()}: len ${len}`);
  }
}

test('sha1x8: bad arguments throw, and never read outside the buffer', { skip: why }, () => {
  const m = x8 as Sha1x8;
  const state = new Uint8Array(160);
  m.init(state);
  const data = new Uint8Array(8 * 64);
  assert.throws(() => m.init(new Uint8Array(159)), RangeError);
  assert.throws(() => m.update(state, data, 64, 32), RangeError); // not a multiple of 64
  assert.throws(() => m.update(state, data, 65, 64), RangeError); // lane 7 would end past the buffer
  assert.throws(() => m.update(state, data, 32, 64), RangeError); // lanes overlap: stride < len
  assert.throws(() => m.final(state, data, 64, 64, 63), RangeError); // total < len
  const anything = fc.oneof(fc.integer({ min: -10, max: 2000 }), fc.double(), fc.constant(undefined), fc.string(), fc.uint8Array({ maxLength: 600 }));
  fc.assert(fc.property(fc.oneof(fc.constant(state), anything), anything, anything, anything, anything, (s, d, stride, len, total) => {
    const call = m.final as unknown as (...a: unknown[]) => unknown;
    try {
      call(s, d, stride, len, total);
    } catch (e) {
      assert.ok(e instanceof RangeError, String(e));
    }
  }), { numRuns: 2000 });
});

test('sha256Chunks: each slice equals node:crypto for every length and slice size, in each implementation', { skip: why }, () => {
  const m = x8 as Sha1x8;
  const initial = m.engine();
  try {
    for (const engine of m.engines) {
      assert.equal(m.useEngine(engine), true);
      checkSha256(m);
    }
  } finally {
    m.useEngine(initial);
  }
});

function checkSha256(m: Sha1x8): void {
  const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
  const reference = (data: Uint8Array, size: number): string =>
    Array.from({ length: Math.ceil(data.length / size) }, (_, i) => sha256(data.subarray(i * size, (i + 1) * size))).join('');
  fc.assert(fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 700 }), fc.integer(), (len, size, seed) => {
    const data = new Uint8Array(len).map((_, i) => (i * 2654435761 + seed) >>> 24);
    assert.equal(hex(m.sha256Chunks(data, size)), reference(data, size), `${m.engine()}: ${len} bytes in slices of ${size}`);
  }), { numRuns: 400 });
  for (const len of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128]) {
    for (const count of [1, 3, 4, 5, 8, 9, 12, 17]) {
      const data = new Uint8Array(len * count).map((_, i) => i * 7);
      assert.equal(hex(m.sha256Chunks(data, Math.max(1, len))), reference(data, Math.max(1, len)), `${m.engine()}: len ${len} x ${count}`);
    }
  }
  // BEP 52 leaves: 16 KiB blocks and a short last one, from a view that starts mid-buffer.
  const big = new Uint8Array(16384 * 6 + 1000).map((_, i) => i * 13);
  const view = big.subarray(5);
  assert.equal(hex(m.sha256Chunks(view, 16384)), reference(view, 16384));
  assert.throws(() => m.sha256Chunks(view, 0), RangeError);
  assert.throws(() => m.sha256Chunks(new Uint16Array(4) as unknown as Uint8Array, 64), RangeError);
  const anything = fc.oneof(fc.integer({ min: -10, max: 2000 }), fc.double(), fc.constant(undefined), fc.string(), fc.uint8Array({ maxLength: 600 }));
  fc.assert(fc.property(anything, anything, (d, size) => {
    try {
      (m.sha256Chunks as unknown as (...a: unknown[]) => unknown)(d, size);
    } catch (e) {
      assert.ok(e instanceof RangeError, String(e));
    }
  }), { numRuns: 1000 });
}

test('hash pool: the same v2 leaves and hybrid pieces with the addon and without', { skip: why }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-x8-v2-'));
  const withX8 = new HashPool({ threads: 1, mainThread: true, sha1x8: built.path });
  const x8Workers = new HashPool({ threads: 1, mainThread: true, sha1x8: built.path, nativeThreads: 0 });
  const plain = new HashPool({ threads: 1, sha1x8: null });
  try {
    const data = new Uint8Array(16384 * 9 + 4321).map((_, i) => i * 31);
    assert.equal(hex(await withX8.sha256Blocks(data)), hex(await plain.sha256Blocks(data)));
    // Layouts as a v2 or hybrid torrent lays them out: files with leaves, zeros between them.
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ len: fc.integer({ min: 0, max: 200_000 }), pad: fc.boolean() }), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(16384, 32768, 65536), fc.boolean(), fc.integer(),
      async (specs, pieceLength, sha1, seed) => {
        const entries: LayoutEntry[] = [];
        for (const [i, s] of specs.entries()) {
          if (s.pad) { entries.push({ abs: null, length: s.len }); continue; }
          const abs = path.join(dir, `f${i}`);
          await writeFile(abs, new Uint8Array(s.len).map((_, k) => (k * 17 + seed + i) >>> 2));
          entries.push({ abs, length: s.len, blocks: s.len > 0 });
        }
        if (entries.reduce((t, e) => t + e.length, 0) === 0) return;
        // Digests by piece and by (entry, leaf): the addon hands over a whole layout at once, the workers a chunk at a time.
        const run = async (pool: HashPool): Promise<string> => {
          const pieces: string[] = [];
          const leaves: string[][] = [];
          await hashLayout(pool, entries, {
            pieceLength, sha1, chunkSize: 4 * pieceLength,
            onPieces: (first, d) => { for (let k = 0; k < d.length / 20; k++) pieces[first + k] = hex(d.subarray(k * 20, k * 20 + 20)); },
            onBlocks: (e, first, d) => { for (let k = 0; k < d.length / 32; k++) (leaves[e] ??= [])[first + k] = hex(d.subarray(k * 32, k * 32 + 32)); },
          });
          return `${pieces.join('')}|${leaves.map((l, e) => `${e}:${l.join('')}`).join(',')}`;
        };
        const expected = await run(plain);
        assert.equal(await run(withX8), expected, 'the addon on threads of its own');
        assert.equal(await run(x8Workers), expected, 'the addon in the hash workers');
      }), { numRuns: 30 });
    assert.ok(withX8.native!.calls > 0);
  } finally {
    await withX8.close();
    await x8Workers.close();
    await plain.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('hash pool: the same piece hashes with the addon and without, over files, padding and short files', { skip: why }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-x8-'));
  const withX8 = new HashPool({ threads: 2, mainThread: true, sha1x8: built.path });
  const x8Workers = new HashPool({ threads: 2, mainThread: true, sha1x8: built.path, nativeThreads: 0 });
  const plain = new HashPool({ threads: 1, sha1x8: null });
  try {
    assert.equal(withX8.sha1Batch, 8);
    assert.ok(withX8.native && !x8Workers.native && !plain.native);
    assert.equal(plain.sha1Batch, 1);
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ len: fc.integer({ min: 0, max: 300_000 }), kind: fc.constantFrom('file', 'pad', 'short') }), { minLength: 1, maxLength: 5 }),
      fc.constantFrom(16384, 32768, 65536, 100_000, 262144), fc.integer(),
      async (specs, pieceLength, seed) => {
        const entries: LayoutEntry[] = [];
        for (const [i, s] of specs.entries()) {
          if (s.kind === 'pad') { entries.push({ abs: null, length: s.len }); continue; }
          const abs = path.join(dir, `f${i}`);
          const bytes = new Uint8Array(s.kind === 'short' ? Math.floor(s.len / 2) : s.len).map((_, k) => (k * 31 + seed + i) >>> 3);
          await writeFile(abs, bytes);
          entries.push(s.kind === 'short' ? { abs, length: s.len, available: bytes.length } : { abs, length: s.len });
        }
        if (entries.reduce((t, e) => t + e.length, 0) === 0) return;
        const run = async (pool: HashPool): Promise<string> => {
          const out: string[] = [];
          await hashLayout(pool, entries, { pieceLength, sha1: true, onPieces: (first, d) => { out[first] = hex(d); } });
          return out.join('');
        };
        const expected = await run(plain);
        assert.equal(await run(withX8), expected, 'the addon reading on threads of its own');
        assert.equal(await run(x8Workers), expected, 'the addon inside the hash workers');
      }), { numRuns: 40 });
    assert.ok(withX8.native!.calls > 0);
    // In-memory pieces (sha1-pieces): 8 whole pieces and a short one.
    const mem = new Uint8Array(8 * 20_000 + 777).map((_, i) => i * 13);
    assert.equal(hex(await withX8.sha1Pieces(mem, 20_000)), hex(await plain.sha1Pieces(mem, 20_000)));
  } finally {
    await withX8.close();
    await x8Workers.close();
    await plain.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** A layout segment for these tests: [path | null, pos, len, avail, leaves]. */
type Seg = [string | null, number, number, number, boolean];

/** The layout's bytes in memory (zeros for null paths and past avail). */
async function layoutBytes(segs: Seg[]): Promise<Buffer[]> {
  const { readFile } = await import('node:fs/promises');
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

test('hashFiles: the pieces of many small files, zeros and short files equal node:crypto, on 1-3 threads, in each implementation', { skip: why }, async () => {
  const m = x8 as Sha1x8;
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-layout-'));
  const initial = m.engine();
  try {
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
  } finally {
    m.useEngine(initial);
    await rm(dir, { recursive: true, force: true });
  }
});

test('hashFiles: v2 leaves and hybrid pieces over piece-aligned files (BEP 47 pads, v2 gaps) equal node:crypto, in each implementation', { skip: why }, async () => {
  const m = x8 as Sha1x8;
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-leaves-'));
  const initial = m.engine();
  try {
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
  } finally {
    m.useEngine(initial);
    await rm(dir, { recursive: true, force: true });
  }
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

test('findSha1x8: TESSERA_NATIVE_DIR (the packaged app) first, TESSERA_NO_NATIVE=1 turns it off', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-native-dir-'));
  const saved = { dir: process.env.TESSERA_NATIVE_DIR, off: process.env.TESSERA_NO_NATIVE };
  const restore = (k: 'TESSERA_NATIVE_DIR' | 'TESSERA_NO_NATIVE', v: string | undefined): void => {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  };
  try {
    delete process.env.TESSERA_NO_NATIVE;
    process.env.TESSERA_NATIVE_DIR = dir;
    assert.equal(findSha1x8(), null, 'an empty resources folder has no addon');
    await writeFile(path.join(dir, 'sha1x8.node'), 'not a shared object');
    assert.equal(findSha1x8(), path.join(dir, 'sha1x8.node'));
    assert.equal(loadSha1x8(path.join(dir, 'sha1x8.node')), null, 'a file that does not load is no addon');
    process.env.TESSERA_NO_NATIVE = '1';
    assert.equal(findSha1x8(), null);
  } finally {
    restore('TESSERA_NATIVE_DIR', saved.dir);
    restore('TESSERA_NO_NATIVE', saved.off);
    await rm(dir, { recursive: true, force: true });
  }
});
