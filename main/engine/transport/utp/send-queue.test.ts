import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SendQueue } from './send-queue.ts';

test('send queue: takes return the pushed bytes in order, whatever the chunk and take sizes (property)', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 50 }), { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 70 }), { maxLength: 40 }), (chunks, takes) => {
    const q = new SendQueue();
    for (const c of chunks) q.push(Buffer.from(c));
    const all = Buffer.concat(chunks);
    assert.equal(q.bytes, all.length);
    const out: Uint8Array[] = [];
    for (const t of takes) {
      if (q.bytes === 0) break;
      const n = Math.min(t, q.bytes);
      const got = q.take(n);
      assert.equal(got.length, n);
      out.push(got);
    }
    const taken = Buffer.concat(out);
    assert.deepEqual(taken, all.subarray(0, taken.length));
    assert.equal(q.bytes, all.length - taken.length);
  }));
});

test('send queue: clear empties it', () => {
  const q = new SendQueue();
  q.push(Buffer.alloc(10));
  q.clear();
  assert.equal(q.bytes, 0);
});
