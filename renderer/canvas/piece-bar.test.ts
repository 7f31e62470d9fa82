import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bitsFrom, countBits, testBit } from './bits.ts';
import { piecesAtPixel } from './geometry.ts';
import { DEFAULT_PIECE_PALETTE as P, type Rgba } from './palette.ts';
import { rasterisePieceBar } from './piece-bar.ts';

const px = (row: Uint8ClampedArray, x: number): number[] => [...row.subarray(x * 4, x * 4 + 4)];
const c = (rgba: Rgba): number[] => [...rgba];

test('width > pieces: exact colours on both sides of every piece edge', () => {
  // 4 pieces on 10 pixels: edges at floor(i*10/4) = 0, 2, 5, 7, 10.
  const have = bitsFrom(4, (i) => i === 0 || i === 2);
  const dl = bitsFrom(4, (i) => i === 1);
  const row = rasterisePieceBar(have, dl, 4, 10);
  const expected = [P.have, P.have, P.downloading, P.downloading, P.downloading, P.have, P.have, P.missing, P.missing, P.missing];
  expected.forEach((e, x) => assert.deepEqual(px(row, x), c(e), `pixel ${x}`));
});

test('width == pieces: one pixel per piece', () => {
  const have = bitsFrom(8, (i) => i % 2 === 0);
  const row = rasterisePieceBar(have, new Uint8Array(1), 8, 8);
  for (let x = 0; x < 8; x++) assert.deepEqual(px(row, x), c(x % 2 === 0 ? P.have : P.missing));
});

test('width < pieces: each pixel mixes by fraction had / downloading', () => {
  // 10 pieces on 3 pixels: pixel 0 = pieces 0..3, pixel 1 = 4..6, pixel 2 = 7..9.
  const have = bitsFrom(10, (i) => i < 4 || i === 4);
  const dl = bitsFrom(10, (i) => i === 5);
  const row = rasterisePieceBar(have, dl, 10, 3);
  assert.deepEqual(px(row, 0), c(P.have));
  assert.deepEqual(px(row, 2), c(P.missing));
  const expect1 = [0, 1, 2, 3].map((k) => Math.round((P.have[k]! + P.downloading[k]! + P.missing[k]!) / 3));
  assert.deepEqual(px(row, 1), expect1);
});

test('a single missing piece among 100,000 still changes its pixel', () => {
  const n = 100_000;
  const have = bitsFrom(n, (i) => i !== 54_321);
  const row = rasterisePieceBar(have, new Uint8Array(have.length), n, 1000);
  const x = Math.floor((54_321 * 1000) / n);
  assert.notDeepEqual(px(row, x), c(P.have));
  assert.deepEqual(px(row, x - 1), c(P.have));
  assert.deepEqual(px(row, x + 1), c(P.have));
});

test('property: every pixel equals the rule, any bitfield, any width', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 600 }), fc.integer(),
    (n, w, seed) => {
      const rnd = (i: number): number => ((seed ^ (i * 2654435761)) >>> 0) % 3;
      const have = bitsFrom(n, (i) => rnd(i) === 0);
      const dl = bitsFrom(n, (i) => rnd(i) === 1);
      const row = rasterisePieceBar(have, dl, n, w);
      assert.equal(row.length, w * 4);
      for (let x = 0; x < w; x++) {
        const { first, end } = piecesAtPixel(x, n, w);
        const total = end - first;
        const h = countBits(have, first, end);
        let d = 0;
        for (let i = first; i < end; i++) if (!testBit(have, i) && testBit(dl, i)) d++;
        const want = [0, 1, 2, 3].map((k) => Math.round((P.have[k]! * h + P.downloading[k]! * d + P.missing[k]! * (total - h - d)) / total));
        assert.deepEqual(px(row, x), want);
      }
    }), { numRuns: 200, examples: [[323, 9, 1121705285]] }); // a .5 tie that float order once rounded apart
});

test('degenerate inputs do not throw: zero width, zero pieces, short bitfields', () => {
  assert.equal(rasterisePieceBar(new Uint8Array(0), new Uint8Array(0), 0, 0).length, 0);
  assert.deepEqual(px(rasterisePieceBar(new Uint8Array(0), new Uint8Array(0), 0, 5), 4), c(P.missing));
  // A bitfield shorter than pieceCount reads the absent bits as 0 (missing).
  assert.deepEqual(px(rasterisePieceBar(new Uint8Array(0), new Uint8Array(0), 20, 20), 19), c(P.missing));
});

test('countAndNot counts requested-not-had pieces and ignores spare bits', async () => {
  const { countAndNot } = await import('./bits.ts');
  fc.assert(fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
    const a = bitsFrom(n, (i) => ((seed ^ (i * 7919)) & 3) === 0);
    const b = bitsFrom(n, (i) => ((seed ^ (i * 104729)) & 1) === 0);
    // Junk in the spare bits of the last byte must not be counted.
    if (n % 8 && a.length) a[a.length - 1] = a[a.length - 1]! | (0xff >> (n % 8));
    let want = 0;
    for (let i = 0; i < n; i++) if (testBit(a, i) && !testBit(b, i)) want++;
    assert.equal(countAndNot(a, b, n), want);
  }), { numRuns: 200 });
});
