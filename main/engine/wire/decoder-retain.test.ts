// retain(): a caller that reuses its read buffer (PeerConnection on a zero-copy socket) may
// overwrite a pushed chunk after draining it; the undecoded tail must survive that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WireDecoder, type WireEvent } from './decoder.ts';
import { encodeMessage } from './messages.ts';

test('retain() keeps a partial frame intact when the pushed memory is reused (every split point)', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 16384 }), fc.nat(), (block, cut) => {
    const frames = [encodeMessage({ type: 'have', index: 7 }), encodeMessage({ type: 'piece', index: 3, begin: 16384, block })];
    const wire = new Uint8Array(frames[0]!.length + frames[1]!.length);
    wire.set(frames[0]!, 0);
    wire.set(frames[1]!, frames[0]!.length);
    const at = cut % (wire.length + 1);
    const shared = new Uint8Array(wire.length); // one reused "read buffer"
    const d = new WireDecoder({ pieceCount: 10 });
    const got: WireEvent[] = [];
    for (const part of [wire.subarray(0, at), wire.subarray(at)]) {
      shared.set(part);
      for (const m of d.push(shared.subarray(0, part.length))) {
        // Consume now, as PeerConnection's listeners do: piece blocks are copied out.
        got.push(m.type === 'piece' ? { ...m, block: m.block.slice() } : m);
      }
      d.retain();
      shared.fill(0xee); // the next read overwrites the buffer
    }
    assert.equal(got.length, 2);
    assert.deepEqual(got[0], { type: 'have', index: 7 });
    const p = got[1];
    assert.ok(p?.type === 'piece');
    assert.deepEqual(p.block, block);
    assert.equal(d.buffered, 0);
  }), { numRuns: 200 });
});
