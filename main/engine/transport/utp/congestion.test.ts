import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledbat } from './congestion.ts';

const PKT = 1400;

/**
 * A bottleneck link in 1 ms steps: the sender keeps cwnd bytes in flight; packets queue at the link
 * (rateBytesPerMs), then take `propMs` each way. Acks carry the one-way delay as the peer would
 * measure it, offset by an arbitrary clock difference (wrapping at 2^32). Optional loss and
 * reordering of acks.
 */
function simulate(o: { ms: number; rate: number; propMs: number; clockOffsetUs: number; lossEvery?: number; reorder?: boolean; cc?: Ledbat }) {
  const cc = o.cc ?? new Ledbat({ packetSize: PKT });
  let inflight = 0;
  let queueFreeAt = 0; // ms when the link finishes what is queued
  let sent = 0;
  let delivered = 0;
  const acks: Array<{ at: number; sentAt: number; oneWayMs: number; lost: boolean }> = [];
  const queueDelays: number[] = [];
  const cwnds: number[] = [];
  let rnd = 12345;
  const random = (): number => { rnd = (rnd * 1103515245 + 12345) & 0x7fffffff; return rnd / 0x7fffffff; };
  for (let now = 0; now < o.ms; now++) {
    while (inflight + PKT <= cc.cwnd) {
      sent++;
      const start = Math.max(now, queueFreeAt);
      queueFreeAt = start + PKT / o.rate;
      const oneWay = queueFreeAt - now + o.propMs;
      queueDelays.push(queueFreeAt - now);
      const lost = o.lossEvery !== undefined && sent % o.lossEvery === 0;
      const jitter = o.reorder ? random() * 5 : 0;
      acks.push({ at: now + oneWay + o.propMs + jitter, sentAt: now, oneWayMs: oneWay, lost });
      inflight += PKT;
    }
    acks.sort((a, b) => a.at - b.at);
    while (acks.length > 0 && (acks[0]?.at ?? Infinity) <= now) {
      const a = acks.shift();
      if (a === undefined) break;
      inflight -= PKT;
      if (a.lost) { cc.onLoss(now); continue; }
      delivered += PKT;
      cc.addDelaySample((Math.round(a.oneWayMs * 1000) + o.clockOffsetUs) >>> 0, now);
      cc.addRttSample(now - a.sentAt);
      cc.onAck(PKT, true);
    }
    cwnds.push(cc.cwnd);
  }
  return { cc, delivered, queueDelays, cwnds };
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

test('LEDBAT fills a bottleneck and holds the queuing delay near the 100 ms target', () => {
  const r = simulate({ ms: 60_000, rate: 1000, propMs: 10, clockOffsetUs: 0xfffff000 }); // offset wraps 2^32
  const tail = r.queueDelays.slice(-Math.floor(r.queueDelays.length / 4));
  const q = mean(tail);
  assert.ok(q > 40 && q < 160, `mean queuing delay ${q.toFixed(1)} ms`);
  // Throughput over the whole run: at least 80% of the link.
  assert.ok(r.delivered / 60_000 > 0.8 * 1000, `delivered ${r.delivered}`);
  assert.ok(r.cc.rtt !== undefined && r.cc.rtt > 20, 'the RTT includes propagation and queue');
});

test('the window grows by at most max_cwnd_increase_bytes_per_rtt per RTT once out of slow start', () => {
  const cc = new Ledbat({ packetSize: PKT, slowStart: false });
  cc.addDelaySample(5000, 0);
  const before = cc.cwnd;
  // One window's worth of acks at zero queuing delay = one RTT.
  let acked = 0;
  const w = cc.cwnd;
  while (acked < w) { cc.onAck(PKT, true); acked += PKT; }
  assert.ok(cc.cwnd - before <= 3000 + 1 && cc.cwnd - before > 2000, `grew ${cc.cwnd - before}`);
});

test('an application-limited sender does not grow its window; delay above target shrinks it', () => {
  const cc = new Ledbat({ packetSize: PKT, slowStart: false });
  cc.addDelaySample(1000, 0);
  const w = cc.cwnd;
  for (let i = 0; i < 100; i++) cc.onAck(PKT, false);
  assert.equal(cc.cwnd, w);
  const big = new Ledbat({ packetSize: PKT, slowStart: false, minCwnd: PKT });
  big.cwnd = 100_000;
  big.addDelaySample(1000, 0);
  for (let i = 0; i < 3; i++) big.addDelaySample(1000 + 300_000, 1); // 300 ms queuing delay
  big.onAck(PKT, true);
  assert.ok(big.cwnd < 100_000);
});

test('loss halves the window at most once per RTT; a timeout drops it to one packet and doubles the RTO', () => {
  const cc = new Ledbat({ packetSize: PKT });
  cc.cwnd = 64_000;
  cc.addRttSample(100);
  assert.ok(cc.onLoss(1000));
  assert.equal(cc.cwnd, 32_000);
  assert.ok(!cc.onLoss(1050), 'second loss in the same RTT ignored');
  assert.equal(cc.cwnd, 32_000);
  assert.ok(cc.onLoss(1200));
  assert.equal(cc.cwnd, 16_000);
  const rto = cc.rto;
  cc.onTimeout();
  assert.equal(cc.cwnd, PKT);
  assert.equal(cc.rto, rto * 2);
});

test('RTO follows RFC 6298 smoothing with a 500 ms floor', () => {
  const cc = new Ledbat({ packetSize: PKT });
  assert.equal(cc.rto, 1000);
  cc.addRttSample(10);
  assert.equal(cc.rto, 500);
  for (let i = 0; i < 50; i++) cc.addRttSample(400);
  assert.ok(cc.rtt !== undefined && Math.abs(cc.rtt - 400) < 5);
  assert.ok(cc.rto >= 400 && cc.rto < 600);
  cc.addRttSample(2000); // a spike raises the variance, so the timeout
  assert.ok(cc.rto > 1000);
});

test('periodic loss and reordered acks: the window stays bounded and recovers', () => {
  const r = simulate({ ms: 30_000, rate: 1000, propMs: 20, clockOffsetUs: 123456789, lossEvery: 200, reorder: true });
  assert.ok(r.delivered / 30_000 > 0.5 * 1000, `delivered ${r.delivered}`);
  for (const c of r.cwnds) assert.ok(c >= PKT && c <= 1 << 20);
  const q = mean(r.queueDelays.slice(-5000));
  assert.ok(q < 200, `queuing ${q}`);
});

test('base delay: minimum over two minutes, so a lasting route change is learnt', () => {
  const cc = new Ledbat({ packetSize: PKT });
  cc.addDelaySample(50_000, 0);
  cc.addDelaySample(40_000, 1000);
  cc.addDelaySample(45_000, 2000);
  assert.equal(cc.baseDelay, 40_000);
  // The path gets 30 ms longer for good: after two minutes the old minimum is gone.
  for (let t = 3000; t < 200_000; t += 1000) cc.addDelaySample(70_000, t);
  assert.equal(cc.baseDelay, 70_000);
  assert.equal(cc.ourDelay, 0);
  // Wrap-around: samples either side of 2^32 compare by signed distance.
  const w = new Ledbat({ packetSize: PKT });
  w.addDelaySample(0xffffff00, 0);
  w.addDelaySample(0x00000100, 1);
  assert.equal(w.baseDelay, 0xffffff00);
  w.addDelaySample(0x00000100, 2);
  w.addDelaySample(0x00000100, 3);
  assert.equal(w.ourDelay, 0x200);
});
