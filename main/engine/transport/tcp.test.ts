import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { dial, setReadSink } from './tcp.ts';

/** A server that writes `payload` to the first connection, then ends it. */
async function sender(payload: Uint8Array): Promise<{ port: number; close: () => void }> {
  const server = net.createServer((s) => { s.end(payload); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as net.AddressInfo;
  return { port: addr.port, close: () => server.close() };
}

test('zero-copy reads: a fast stream arrives whole and in order, and the loop gets a turn every ~1 MiB', async () => {
  const payload = randomBytes(24 << 20);
  const srv = await sender(payload);
  try {
    const socket = await dial('127.0.0.1', srv.port);
    // Let the kernel queue as much as it will before reading starts.
    await new Promise((r) => setTimeout(r, 100));
    const got = Buffer.alloc(payload.length);
    let n = 0;
    let maxPerTurn = 0;
    let turnStart = 0;
    const turn = (): void => { maxPerTurn = Math.max(maxPerTurn, n - turnStart); turnStart = n; if (n < payload.length) setImmediate(turn); };
    setImmediate(turn);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('stream did not finish in 20 s')), 20_000);
      socket.once('end', () => { clearTimeout(timer); resolve(); });
      socket.once('error', reject);
      assert.ok(setReadSink(socket, (chunk) => { chunk.forEach((b, i) => { got[n + i] = b; }); n += chunk.length; }));
      socket.resume();
    });
    socket.destroy();
    assert.equal(n, payload.length);
    assert.ok(got.equals(payload), 'bytes differ');
    // One turn delivers at most the 1 MiB budget plus the read that crossed it (≤ 1 MiB).
    assert.ok(maxPerTurn <= 2 << 20, `one loop turn delivered ${maxPerTurn} bytes`);
  } finally {
    srv.close();
  }
});

test('zero-copy reads: a socket its owner paused stays paused across the budget\'s turn boundary', async () => {
  const payload = randomBytes(8 << 20);
  const srv = await sender(payload);
  try {
    const socket = await dial('127.0.0.1', srv.port);
    await new Promise((r) => setTimeout(r, 50));
    let n = 0;
    let pausedAt = -1;
    let whilePaused = 0;
    const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()));
    assert.ok(setReadSink(socket, (chunk) => {
      n += chunk.length;
      if (pausedAt >= 0) whilePaused += chunk.length;
      // After the first MiB, pause as a download limit would, and resume 150 ms later.
      if (pausedAt < 0 && n >= 1 << 20) {
        pausedAt = n;
        socket.pause();
        setTimeout(() => { pausedAt = -2; socket.resume(); }, 150);
      }
    }));
    socket.resume();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(whilePaused, 0, 'bytes arrived while the owner had the socket paused');
    await Promise.race([ended, new Promise((_, rej) => setTimeout(() => rej(new Error('no end in 20 s')), 20_000))]);
    socket.destroy();
    assert.equal(n, payload.length);
  } finally {
    srv.close();
  }
});
