import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReorderBuffer } from './reorder-buffer.ts';

test('reorder buffer: holds packets past a gap within its bounds and hands them back once', () => {
  const r = new ReorderBuffer({ maxAhead: 4, maxBytes: 10 });
  r.hold(12, Uint8Array.of(1, 2, 3), false, 2);
  r.hold(12, Uint8Array.of(9), false, 2); // duplicate: ignored
  r.hold(11, Uint8Array.of(7), false, 1); // the next expected one is delivered, never held
  r.hold(20, Uint8Array.of(5), false, 10); // too far ahead
  assert.equal(r.size, 1);
  assert.equal(r.bytes, 3);
  assert.ok(r.has(12));
  r.hold(13, new Uint8Array(8), false, 3); // over the byte budget
  assert.equal(r.size, 1);
  assert.deepEqual(r.take(12), { payload: Uint8Array.of(1, 2, 3), fin: false });
  assert.equal(r.take(12), undefined);
  assert.equal(r.bytes, 0);
});

test('reorder buffer: nothing is held at or past the FIN, which comes back marked', () => {
  const r = new ReorderBuffer({ maxAhead: 100, maxBytes: 1000 });
  r.hold(0xffff, new Uint8Array(0), true, 3); // sequence numbers wrap at 16 bits
  r.hold(0xffff, Uint8Array.of(1), false, 3);
  r.hold(2, Uint8Array.of(1), false, 6);
  r.hold(0xfffe, Uint8Array.of(4), false, 2);
  assert.equal(r.size, 2);
  assert.deepEqual(r.take(0xfffe), { payload: Uint8Array.of(4), fin: false });
  assert.deepEqual(r.take(0xffff), { payload: new Uint8Array(0), fin: true });
  r.hold(5, Uint8Array.of(1), false, 2);
  r.clear();
  assert.equal(r.size, 0);
  assert.equal(r.bytes, 0);
});
