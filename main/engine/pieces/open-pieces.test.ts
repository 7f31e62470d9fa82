import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OpenPieces } from './open-pieces.ts';

test('open pieces: membership, length and the walk by index follow a model set (property)', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 15 }))), (ops) => {
    const o = new OpenPieces(16);
    const model = new Set<number>();
    for (const [add, p] of ops) {
      if (add) { o.add(p); model.add(p); } else { o.remove(p); model.delete(p); }
      assert.equal(o.length, model.size);
    }
    for (let p = 0; p < 16; p++) assert.equal(o.has(p), model.has(p));
    const walked = new Set<number>();
    for (let k = 0; k < o.length; k++) walked.add(o.at(k));
    assert.deepEqual([...walked].sort((a, b) => a - b), [...model].sort((a, b) => a - b));
  }));
});

test('open pieces: removing at index k swaps the last piece into slot k', () => {
  const o = new OpenPieces(8);
  for (const p of [5, 2, 7]) o.add(p);
  o.add(2); // already open: no duplicate
  assert.equal(o.length, 3);
  o.remove(5);
  assert.equal(o.at(0), 7);
  assert.equal(o.length, 2);
  o.remove(5); // not open: nothing happens
  assert.equal(o.length, 2);
});
