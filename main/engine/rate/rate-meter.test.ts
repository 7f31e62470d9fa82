import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RateMeter } from './rate-meter.ts';

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test('steady 100 KB/s reads as 100 KB/s once the window is full', () => {
  const c = fakeClock();
  const m = new RateMeter({ clock: c.now, windowMs: 5000, slotMs: 250 });
  for (let i = 0; i < 100; i++) {
    m.add(10_000);
    c.advance(100);
  }
  assert.ok(Math.abs(m.rate() - 100_000) <= 100_000 * 0.06, `rate ${m.rate()}`);
  assert.equal(m.total, 1_000_000);
});

test('a young meter divides by its age, not the whole window', () => {
  const c = fakeClock();
  const m = new RateMeter({ clock: c.now, windowMs: 5000, slotMs: 250 });
  c.advance(1000);
  m.add(50_000);
  assert.equal(m.rate(), 50_000);
});

test('bytes leave the window and a long gap resets it', () => {
  const c = fakeClock();
  const m = new RateMeter({ clock: c.now, windowMs: 1000, slotMs: 100 });
  m.add(1000);
  c.advance(500);
  assert.ok(m.rate() > 0);
  c.advance(600);
  assert.equal(m.rate(), 0);
  m.add(500);
  c.advance(3_600_000);
  assert.equal(m.rate(), 0);
  assert.equal(m.total, 1500);
});

test('rate never negative and bounded by bytes in window (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(2000), fc.nat(100_000)), { maxLength: 200 }), (steps) => {
      const c = fakeClock();
      const m = new RateMeter({ clock: c.now, windowMs: 2000, slotMs: 100 });
      let total = 0;
      for (const [dt, bytes] of steps) {
        c.advance(dt);
        m.add(bytes);
        total += bytes;
        const r = m.rate();
        assert.ok(r >= 0);
        assert.ok(r <= total * 10 + 1e-6); // span is at least one 100 ms slot
      }
      assert.equal(m.total, total);
    }),
  );
});
