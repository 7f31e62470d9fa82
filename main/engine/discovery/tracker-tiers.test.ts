import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TrackerTiers, MAX_TRACKERS } from './tracker-tiers.ts';

test('tiers: shuffled once within a tier, tiers kept in order, promote to front', () => {
  const t = new TrackerTiers([['a', 'b', 'c'], ['d'], [], ['e', 'a']], () => 0);
  // random() = 0 always swaps with index 0: [a,b,c] → [b,c,a]
  assert.deepEqual(t.order(), [{ url: 'b', tier: 0 }, { url: 'c', tier: 0 }, { url: 'a', tier: 0 }, { url: 'd', tier: 1 }, { url: 'e', tier: 2 }]);
  t.promote('a');
  assert.deepEqual(t.order().map((e) => e.url), ['a', 'b', 'c', 'd', 'e']);
  t.promote('e');
  t.promote('zzz');
  assert.equal(t.tierCount, 3);
});

test('tiers: every URL kept once, capped (property)', () => {
  fc.assert(fc.property(fc.array(fc.array(fc.constantFrom('u1', 'u2', 'u3', 'u4', ' ', 'u5'), { maxLength: 5 }), { maxLength: 5 }), (tiers) => {
    const t = new TrackerTiers(tiers);
    const urls = t.order().map((e) => e.url);
    assert.equal(new Set(urls).size, urls.length);
    assert.deepEqual(new Set(urls), new Set(tiers.flat().map((u) => u.trim()).filter((u) => u !== '')));
  }));
  const many = new TrackerTiers([Array.from({ length: 500 }, (_, i) => `http://t${i}/announce`)]);
  assert.equal(many.order().length, MAX_TRACKERS);
});

test('tiers: add to a tier or a new last tier, refuse duplicates and past the cap; remove drops empty tiers', () => {
  const t = new TrackerTiers([['a'], ['b']], () => 0);
  assert.equal(t.add('c', 0), true);
  assert.equal(t.add('d'), true);
  assert.equal(t.add('x', 99), true);
  assert.equal(t.add('a'), false);
  assert.equal(t.add('  '), false);
  assert.deepEqual(t.list(), [['a', 'c'], ['b'], ['d'], ['x']]);
  assert.equal(t.remove('b'), true);
  assert.equal(t.remove('b'), false);
  assert.deepEqual(t.order(), [{ url: 'a', tier: 0 }, { url: 'c', tier: 0 }, { url: 'd', tier: 1 }, { url: 'x', tier: 2 }]);
  const full = new TrackerTiers([Array.from({ length: MAX_TRACKERS }, (_, i) => `http://t${i}/a`)]);
  assert.equal(full.add('http://one-more/a'), false);
  assert.equal(full.order().length, MAX_TRACKERS);
});
