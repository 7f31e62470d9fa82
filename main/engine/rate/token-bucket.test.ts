import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TokenBucket } from './token-bucket.ts';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test('unlimited bucket never asks to wait', () => {
  const b = new TokenBucket();
  assert.equal(b.request(1e9), 0);
  assert.equal(b.unlimited, true);
});

test('burst passes, then debt is repaid at the rate', () => {
  const c = fakeClock();
  const b = new TokenBucket({ rate: 100_000, burst: 50_000, clock: c.now });
  assert.equal(b.request(50_000), 0);
  assert.equal(b.request(100_000), 1000); // 100 KB of debt at 100 KB/s
  c.advance(1000);
  assert.equal(b.available(), 0);
  c.advance(10_000);
  assert.equal(b.available(), 50_000); // capped at burst
});

test('refund gives back cancelled bytes, capped at burst', () => {
  const c = fakeClock();
  const b = new TokenBucket({ rate: 1000, burst: 1000, clock: c.now });
  b.request(3000);
  b.refund(2000);
  assert.equal(b.available(), 0); // 1000 - 3000 + 2000
  b.refund(1e9);
  assert.equal(b.available(), 1000);
});

test('long-run throughput never exceeds rate × time + burst (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1000, max: 10_000_000 }),
      fc.array(fc.integer({ min: 1, max: 1 << 20 }), { minLength: 1, maxLength: 100 }),
      (rate, sizes) => {
        const c = fakeClock();
        const burst = Math.max(rate / 8, 16384);
        const b = new TokenBucket({ rate, clock: c.now });
        let sent = 0;
        for (const n of sizes) {
          const wait = b.request(n);
          c.advance(wait); // the caller obeys the wait before sending
          sent += n;
          assert.ok(sent <= (c.now() * rate) / 1000 + burst + 1e-6);
        }
      },
    ),
  );
});
