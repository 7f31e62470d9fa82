import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sampleIndices, sampleInto } from './random-sample.ts';

test('property: k distinct indices in range (all when k >= n)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: -2, max: 600 }), (n, k) => {
    const s = sampleIndices(n, k);
    assert.equal(s.length, Math.max(0, Math.min(n, k)));
    assert.equal(new Set(s).size, s.length);
    for (const i of s) assert.ok(Number.isInteger(i) && i >= 0 && i < n);
  }));
});

test('every index can be drawn (not just a fixed window)', () => {
  const seen = new Set<number>();
  for (let r = 0; r < 2000; r++) for (const i of sampleIndices(100, 5)) seen.add(i);
  assert.equal(seen.size, 100);
});

test('sampleInto: the same contract without allocating, across many draws (stamps never leak)', () => {
  const out = new Int32Array(64);
  fc.assert(fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: -1, max: 64 }), (n, k) => {
    const m = sampleInto(n, k, out);
    assert.equal(m, Math.max(0, Math.min(n, k)));
    const s = Array.from(out.subarray(0, m));
    assert.equal(new Set(s).size, m);
    for (const i of s) assert.ok(i >= 0 && i < n);
  }), { numRuns: 2000 });
  // A random source that always says 0: Floyd's fallback to j keeps the draws distinct.
  assert.deepEqual(Array.from(out.subarray(0, sampleInto(10, 4, out, () => 0))), [0, 7, 8, 9]);
});
