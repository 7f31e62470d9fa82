import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { findSha1x8, loadSha1x8, SHA1X8_LANES, type Sha1x8 } from './native-sha1.ts';
import { nativeForTests } from './native-for-tests.ts';
import { HashPool } from './hash-pool.ts';
import { hashLayout, type LayoutEntry } from './layout-hasher.ts';

const { built, x8, why } = await nativeForTests('native-sha1.test');

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
