import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RateLimiter } from './rate-limit.ts';
import { Tracker } from './tracker.ts';
import type { AnnounceRequest } from './protocol/types.ts';

const v4 = (a: number, b: number, c: number, d: number): string => String.fromCharCode(a, b, c, d);

test('a burst is allowed, then one announce per refill interval', () => {
  const rl = new RateLimiter({ perSecond: 2, burst: 3 });
  const ip = v4(10, 0, 0, 1);
  assert.deepEqual([0, 0, 0, 0].map(() => rl.allow(ip, 1000)), [true, true, true, false]);
  assert.equal(rl.allow(ip, 1400), false, '0.8 tokens after 400 ms');
  assert.equal(rl.allow(ip, 1500), true, 'one token after 500 ms at 2/s');
  assert.equal(rl.allow(ip, 1500), false);
  // A long pause refills to the burst size, not beyond.
  assert.deepEqual([0, 0, 0, 0].map(() => rl.allow(ip, 60_000)), [true, true, true, false]);
  assert.equal(rl.refused, 4);
  // Other addresses have their own buckets.
  assert.equal(rl.allow(v4(10, 0, 0, 2), 60_000), true);
});

test('a clock stepping back neither refills nor breaks the bucket', () => {
  const rl = new RateLimiter({ perSecond: 1, burst: 1 });
  const ip = v4(10, 0, 0, 1);
  assert.equal(rl.allow(ip, 10_000), true);
  assert.equal(rl.allow(ip, 5_000), false);
  assert.equal(rl.allow(ip, 10_999), false);
  assert.equal(rl.allow(ip, 11_000), true);
});

test('IPv6 clients share a bucket per /64 by default', () => {
  const rl = new RateLimiter({ perSecond: 1, burst: 2 });
  const net = '\x20\x01\x0d\xb8\0\0\0\x01';
  const a = `${net}\0\0\0\0\0\0\0\x01`;
  const b = `${net}\xff\xff\xff\xff\xff\xff\xff\xff`;
  assert.equal(rl.allow(a, 0), true);
  assert.equal(rl.allow(b, 0), true);
  assert.equal(rl.allow(a, 0), false, 'the same /64');
  assert.equal(rl.allow(`\x20\x01\x0d\xb8\0\0\0\x02${a.slice(8)}`, 0), true, 'another /64');
  const full = new RateLimiter({ perSecond: 1, burst: 1, ipv6PrefixBytes: 16 });
  assert.equal(full.allow(a, 0), true);
  assert.equal(full.allow(b, 0), true, 'keyed by the full address when configured');
});

test('the table never grows past maxAddresses and evicts the least recently used', () => {
  const rl = new RateLimiter({ perSecond: 1, burst: 1, maxAddresses: 3 });
  const [a, b, c, d] = [1, 2, 3, 4].map((i) => v4(10, 0, 0, i)) as [string, string, string, string];
  rl.allow(a, 0); rl.allow(b, 0); rl.allow(c, 0);
  assert.equal(rl.allow(a, 0), false, 'a is used again: most recent now');
  rl.allow(d, 0); // evicts b, the least recently used
  assert.equal(rl.size, 3);
  assert.equal(rl.allow(a, 0), false, 'a kept its (empty) bucket');
  assert.equal(rl.allow(b, 0), true, 'b was evicted and starts with a full bucket');
});

test('property: bounded table, and never more than burst + rate × time allowed per address', () => {
  fc.assert(fc.property(
    fc.record({ perSecond: fc.integer({ min: 1, max: 50 }), burst: fc.integer({ min: 1, max: 20 }), max: fc.integer({ min: 1, max: 20 }) }),
    fc.array(fc.record({ ip: fc.integer({ min: 0, max: 15 }), dt: fc.integer({ min: 0, max: 300 }) }), { maxLength: 300 }),
    ({ perSecond, burst, max }, events) => {
      const rl = new RateLimiter({ perSecond, burst, maxAddresses: max });
      const allowed = new Map<number, number>();
      let now = 0;
      for (const e of events) {
        now += e.dt;
        if (rl.allow(v4(192, 168, 0, e.ip), now)) allowed.set(e.ip, (allowed.get(e.ip) ?? 0) + 1);
        assert.ok(rl.size <= max);
      }
      // Without eviction (max >= distinct addresses) the token bucket bound holds exactly.
      if (max >= 16) for (const n of allowed.values()) assert.ok(n <= burst + (perSecond * now) / 1000 + 1e-9);
    },
  ));
  const rl = new RateLimiter({ perSecond: 1, burst: 2 });
  for (let i = 0; i < 20; i++) assert.ok(rl.allow(v4(172, 16, 0, i), 0) && rl.allow(v4(172, 16, 0, i), 0) && !rl.allow(v4(172, 16, 0, i), 0));
});

test('bad settings are refused', () => {
  assert.throws(() => new RateLimiter({ perSecond: 0 }), RangeError);
  assert.throws(() => new RateLimiter({ perSecond: Number.NaN }), RangeError);
  assert.throws(() => new RateLimiter({ perSecond: Number.POSITIVE_INFINITY }), RangeError);
});

const announce = (port: number): AnnounceRequest => ({
  infoHash: 'h'.repeat(20), peerId: 'p'.repeat(20), port, uploaded: 0, downloaded: 0, left: 1,
  event: 'none', numwant: 10, compact: true, noPeerId: false,
});

test('Tracker: rate limiting is off by default and refuses with a failure reason when on', () => {
  const from = { family: 4 as const, bytes: v4(127, 0, 0, 1) };
  const open = new Tracker();
  for (let i = 0; i < 1000; i++) assert.ok(!('refused' in open.announce(announce(1 + i), from, 'http')));
  assert.equal(open.rateLimiter, undefined);

  let now = 0;
  const t = new Tracker({ rateLimit: { perSecond: 1, burst: 2 }, now: () => now });
  assert.ok(!('refused' in t.announce(announce(1), from, 'http')));
  assert.ok(!('refused' in t.announce(announce(2), from, 'udp')));
  const third = t.announce(announce(3), from, 'http');
  assert.ok('refused' in third && /too many announces/.test(third.refused));
  assert.equal(t.store.peerCount, 2, 'a refused announce does not touch the store');
  assert.equal(t.stats.counts.errors, 1);
  const other = t.announce(announce(4), { family: 4, bytes: v4(127, 0, 0, 2) }, 'http');
  assert.ok(!('refused' in other));
  now = 1000;
  assert.ok(!('refused' in t.announce(announce(3), from, 'http')));
});
