import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { heatColour, maxOf, minAvailability, rasteriseAvailability } from './availability-bar.ts';
import { piecesAtPixel } from './geometry.ts';
import { DEFAULT_HEAT_PALETTE as H, parseCssColour } from './palette.ts';

const px = (row: Uint8ClampedArray, x: number): number[] => [...row.subarray(x * 4, x * 4 + 4)];

test('zero availability has its own colour; 1 is the rare end, max the common end', () => {
  assert.deepEqual(heatColour(0, 10), H.none);
  assert.deepEqual(heatColour(1, 10), H.stops[0]);
  assert.deepEqual(heatColour(10, 10), H.stops[H.stops.length - 1]);
  assert.deepEqual(heatColour(1, 1), H.stops[H.stops.length - 1]);
});

test('width > pieces: exact at piece edges', () => {
  // 3 pieces on 7 pixels: edges at 0, 2, 4, 7.
  const avail = Uint16Array.from([0, 4, 1]);
  const row = rasteriseAvailability(avail, 7);
  const want = [0, 0, 4, 4, 1, 1, 1].map((a) => [...heatColour(a, 4)]);
  want.forEach((w, x) => assert.deepEqual(px(row, x), w, `pixel ${x}`));
});

test('width < pieces: a pixel shows the minimum (the rarest piece) of its pieces', () => {
  const avail = new Uint16Array(100_000).fill(9);
  avail[77_777] = 0;
  avail[3] = 2;
  const row = rasteriseAvailability(avail, 800);
  const xZero = Math.floor((77_777 * 800) / 100_000);
  assert.deepEqual(px(row, xZero), [...H.none]);
  assert.deepEqual(px(row, 0), [...heatColour(2, 9)]);
  assert.deepEqual(px(row, 400), [...heatColour(9, 9)]);
});

test('property: every pixel is heatColour(min over its pieces)', () => {
  fc.assert(fc.property(
    fc.uint16Array({ minLength: 1, maxLength: 500 }), fc.integer({ min: 1, max: 700 }),
    (avail, w) => {
      const row = rasteriseAvailability(avail, w);
      const max = Math.max(1, maxOf(avail));
      for (let x = 0; x < w; x++) {
        const { first, end } = piecesAtPixel(x, avail.length, w);
        assert.deepEqual(px(row, x), [...heatColour(minAvailability(avail, first, end), max)]);
      }
    }), { numRuns: 200 });
});

test('an explicit max fixes the scale; empty input paints "none"', () => {
  const row = rasteriseAvailability(Uint16Array.from([5]), 2, { max: 5 });
  assert.deepEqual(px(row, 1), [...H.stops[H.stops.length - 1]!]);
  assert.deepEqual(px(rasteriseAvailability(new Uint16Array(0), 3), 2), [...H.none]);
  assert.equal(rasteriseAvailability(Uint16Array.from([1]), 0).length, 0);
});

test('parseCssColour reads the forms getComputedStyle produces', () => {
  assert.deepEqual(parseCssColour('#fff'), [255, 255, 255, 255]);
  assert.deepEqual(parseCssColour(' #2e7ddb '), [46, 125, 219, 255]);
  assert.deepEqual(parseCssColour('rgb(1, 2, 3)'), [1, 2, 3, 255]);
  assert.deepEqual(parseCssColour('rgba(1, 2, 3, 0.5)'), [1, 2, 3, 128]);
  assert.equal(parseCssColour('hsl(0 0% 0%)'), null);
});
