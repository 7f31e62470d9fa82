import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { UtpConnection } from './connection.ts';
import { ST_SYN, decodePacket } from './packet.ts';

interface Channel { a: UtpConnection; b: Promise<UtpConnection>; stats: { sent: number; dropped: number }; close(): void }

/**
 * Two connections joined by an in-memory datagram channel that drops `loss` of the packets and
 * delays each by up to `jitterMs` (so later packets overtake earlier ones). Seeded: reproducible.
 */
function channel(loss: number, jitterMs: number): Channel {
  let seed = 42;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const timers = new Set<NodeJS.Timeout>();
  const stats = { sent: 0, dropped: 0 };
  let b: UtpConnection | undefined;
  let resolveB: (c: UtpConnection) => void = () => undefined;
  const bReady = new Promise<UtpConnection>((r) => { resolveB = r; });
  const carry = (parts: Uint8Array[], to: () => UtpConnection | undefined, onSyn?: (bytes: Uint8Array) => void): void => {
    stats.sent++;
    if (rnd() < loss) { stats.dropped++; return; }
    const bytes = Buffer.concat(parts);
    const t = setTimeout(() => {
      timers.delete(t);
      const p = decodePacket(bytes);
      if (p.type === ST_SYN && onSyn !== undefined) { onSyn(bytes); return; }
      to()?.receive(p);
    }, rnd() * jitterMs);
    timers.add(t);
  };
  const a: UtpConnection = new UtpConnection({
    recvId: 1000, sendId: 1001, remoteAddress: '10.0.0.2', remotePort: 2,
    send: (parts) => carry(parts, () => b, (bytes) => {
      const syn = decodePacket(bytes);
      if (b === undefined) {
        b = new UtpConnection({ recvId: syn.connectionId + 1, sendId: syn.connectionId, syn, remoteAddress: '10.0.0.1', remotePort: 1, send: (ps) => carry(ps, () => a) });
        resolveB(b);
      } else b.receive(syn);
    }),
  });
  return { a, b: bReady, stats, close: () => { for (const t of timers) clearTimeout(t); a.destroy(); b?.destroy(); } };
}

function pattern(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = 1;
  for (let i = 0; i < n; i++) { x = (x * 1664525 + 1013904223) >>> 0; out[i] = x >>> 24; }
  return out;
}

async function transfer(loss: number, jitterMs: number, size: number): Promise<Channel['stats']> {
  const ch = channel(loss, jitterMs);
  const deadline = setTimeout(() => ch.close(), 120_000);
  try {
    const data = pattern(size);
    ch.a.connect();
    await once(ch.a, 'connect');
    const b = await ch.b;
    const got = createHash('sha1');
    let n = 0;
    b.on('data', (c: Buffer) => { got.update(c); n += c.length; });
    const ended = once(b, 'end');
    // Writes of mixed sizes, honouring backpressure, then FIN.
    for (let o = 0; o < data.length;) {
      const k = Math.min(data.length - o, 1 + ((o * 7919) % 70_000));
      if (!ch.a.write(data.subarray(o, o + k))) await once(ch.a, 'drain');
      o += k;
    }
    ch.a.end();
    await ended;
    assert.equal(n, size);
    assert.equal(got.digest('hex'), createHash('sha1').update(data).digest('hex'));
    return ch.stats;
  } finally {
    clearTimeout(deadline);
    ch.close();
  }
}

test('10 MiB over a lossless channel arrive intact', async () => {
  await transfer(0, 0, 10 << 20);
});

test('10 MiB over a channel with 2% loss and reordering arrive intact', async () => {
  const stats = await transfer(0.02, 3, 10 << 20);
  assert.ok(stats.dropped > 0, 'the channel did drop packets');
});

test('a connect that is never answered fails with a timeout error', async () => {
  const a = new UtpConnection({ recvId: 5, sendId: 6, remoteAddress: '10.0.0.9', remotePort: 9, send: () => undefined });
  a.cc.rto = 20; // keep the test short: 4 tries at 20, 40, 80, 160 ms
  const keepAlive = setTimeout(() => undefined, 10_000); // the connection's own timers are unref'd
  try {
    a.connect();
    const [err] = await once(a, 'error') as [Error];
    assert.match(err.message, /connect to 10\.0\.0\.9:9 timed out/);
  } finally {
    clearTimeout(keepAlive);
  }
});

test('a reset from the peer destroys the connection with an error; destroy() sends a reset', async () => {
  const ch = channel(0, 0);
  try {
    ch.a.connect();
    await once(ch.a, 'connect');
    const b = await ch.b;
    const errored = once(b, 'error');
    ch.a.destroy();
    const [err] = await errored as [Error];
    assert.match(err.message, /reset by peer/);
  } finally {
    ch.close();
  }
});
