import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sampleIndices } from './random-sample.ts';

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
