import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestPipeline, queueDepth } from './pipeline.ts';
import { BLOCK_SIZE } from './downloading-piece.ts';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test('queue depth covers 3 s of the peer rate, clamped to 2..500', () => {
  assert.equal(queueDepth(0), 2);
  assert.equal(queueDepth(BLOCK_SIZE * 10), 30);
  assert.equal(queueDepth(1e12), 500);
  assert.equal(queueDepth(Number.POSITIVE_INFINITY), 500);
  assert.equal(queueDepth(BLOCK_SIZE, { targetLatencyMs: 1000, minDepth: 1 }), 1);
});

test('room shrinks as requests go out; a snubbing peer gets a single request', () => {
  const c = clock();
  const p = new RequestPipeline({ clock: c.now });
  assert.equal(p.room(0), 2);
  p.sent({ piece: 0, begin: 0, length: BLOCK_SIZE });
  p.sent({ piece: 0, begin: BLOCK_SIZE, length: BLOCK_SIZE });
  assert.equal(p.room(0), 0);
  c.advance(59_000);
  assert.equal(p.check().snubbed, false);
  c.advance(1_000);
  const r = p.check();
  assert.equal(r.snubbed, true);
  assert.equal(r.expired.length, 2, 'both requests are 60 s old');
  assert.equal(p.size, 0);
  assert.equal(p.room(1e9), 1);
  p.sent({ piece: 1, begin: 0, length: BLOCK_SIZE });
  assert.equal(p.received(1, 0), true);
  assert.equal(p.snubbed, false);
  assert.equal(p.received(1, 0), false, 'not outstanding any more');
});

test('expiry is per request, oldest first; drain empties the queue', () => {
  const c = clock();
  const p = new RequestPipeline({ clock: c.now, requestTimeoutMs: 1000, snubTimeoutMs: 10_000 });
  p.sent({ piece: 0, begin: 0, length: BLOCK_SIZE });
  c.advance(600);
  p.sent({ piece: 0, begin: BLOCK_SIZE, length: BLOCK_SIZE });
  c.advance(600);
  assert.deepEqual(p.check().expired, [{ piece: 0, begin: 0, length: BLOCK_SIZE }]);
  assert.equal(p.remove(0, BLOCK_SIZE), true);
  p.sent({ piece: 2, begin: 0, length: 100 });
  assert.deepEqual(p.drain(), [{ piece: 2, begin: 0, length: 100 }]);
  assert.equal(p.size, 0);
});

test('the snub clock starts when the queue fills, not at the last block ever', () => {
  const c = clock();
  const p = new RequestPipeline({ clock: c.now });
  c.advance(3_600_000); // idle for an hour with nothing requested
  p.sent({ piece: 0, begin: 0, length: BLOCK_SIZE });
  assert.equal(p.check().snubbed, false);
});
