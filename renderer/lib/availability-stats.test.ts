import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availabilityStats } from './availability-stats.ts';

test('min, max, missing and distributed copies', () => {
  assert.deepEqual(availabilityStats(Uint16Array.from([0, 1, 2, 2])), { min: 0, max: 2, missing: 1, distributedCopies: 0.75 });
  assert.deepEqual(availabilityStats(Uint16Array.from([3, 3])), { min: 3, max: 3, missing: 0, distributedCopies: 3 });
  assert.deepEqual(availabilityStats(new Uint16Array(0)), { min: 0, max: 0, missing: 0, distributedCopies: 0 });
});
