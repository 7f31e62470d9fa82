import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Bitfield } from './bitfield.ts';
import { TesseraError } from '../errors.ts';

test('set/get/clear keep a running count', () => {
  const b = new Bitfield(10);
  assert.equal(b.bytes.length, 2);
  b.set(0); b.set(9); b.set(9);
  assert.equal(b.count(), 2);
  assert.ok(b.get(0) && b.get(9) && !b.get(1));
  assert.deepEqual([...b.bytes], [0x80, 0x40]);
  b.clear(0); b.clear(0);
  assert.equal(b.count(), 1);
  assert.equal(b.get(-1), false);
  assert.equal(b.get(10), false);
  assert.throws(() => b.set(10), TesseraError);
});

test('setAll leaves spare bits clear, isFull, clone is independent', () => {
  const b = new Bitfield(13);
  b.setAll();
  assert.deepEqual([...b.bytes], [0xff, 0xf8]);
  assert.ok(b.isFull());
  const c = b.clone();
  c.clear(3);
  assert.ok(b.get(3));
  assert.equal(c.count(), 12);
  assert.ok(new Bitfield(0).isFull());
});

test('fromWire rejects wrong size and spare bits', () => {
  assert.throws(() => Bitfield.fromWire(new Uint8Array([0xff]), 9), (e: unknown) => e instanceof TesseraError && e.code === 'WIRE_PROTOCOL');
  assert.throws(() => Bitfield.fromWire(new Uint8Array([0xff, 0x81]), 9), (e: unknown) => e instanceof TesseraError && e.code === 'WIRE_PROTOCOL');
  const b = Bitfield.fromWire(new Uint8Array([0xff, 0x80]), 9);
  assert.ok(b.isFull());
  assert.equal(b.count(), 9);
});

test('setBits/clearBits agree with get (property)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 200 }).chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.nat({ max: Math.max(0, n - 1) }), { maxLength: n }))), ([n, idx]) => {
    const b = new Bitfield(n);
    const set = n === 0 ? [] : idx;
    for (const i of set) b.set(i);
    const expected = [...set].sort((x, y) => x - y);
    assert.deepEqual([...b.setBits()], expected);
    assert.equal(b.count(), expected.length);
    const clear = [...b.clearBits()];
    assert.equal(clear.length + expected.length, n);
    for (const i of clear) assert.equal(b.get(i), false);
    const round = Bitfield.fromWire(b.toWire(), n);
    assert.deepEqual([...round.setBits()], expected);
  }));
});
