import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Bitfield } from '../wire/bitfield.ts';
import { RarityBuckets } from './rarity-buckets.ts';

test('rarity buckets: highest priority, then rarest; a peer only gets pieces it has', () => {
  const b = new RarityBuckets(8, 3);
  b.insert(0, 2, 3);
  b.insert(1, 2, 1);
  b.insert(2, 3, 5);
  b.insert(3, 1, 1);
  assert.equal(b.size, 4);
  const all = Bitfield.full(8);
  assert.equal(b.next(all, true, () => 0), 2, 'priority beats rarity');
  b.remove(2);
  assert.equal(b.next(all, true, () => 0), 1, 'then the rarest');
  const has = new Bitfield(8);
  has.set(0);
  has.set(3);
  assert.equal(b.next(has, false, () => 0), 0);
  b.clear();
  assert.equal(b.size, 0);
  assert.equal(b.next(all, true, () => 0), -1);
});

test('rarity buckets: size and membership track inserts and removes (property)', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 6 }))), (ops) => {
    const b = new RarityBuckets(32, 3);
    const model = new Set<number>();
    for (const [ins, p, prio, a] of ops) {
      if (ins) { b.insert(p, prio, a); model.add(p); } else { b.remove(p); model.delete(p); }
      assert.equal(b.size, model.size);
    }
    for (let p = 0; p < 32; p++) assert.equal(b.has(p), model.has(p));
    const picked = b.next(Bitfield.full(32), true, Math.random);
    assert.ok(model.size === 0 ? picked === -1 : model.has(picked));
  }));
});
