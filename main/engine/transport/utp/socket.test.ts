import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { randomBytes, createHash } from 'node:crypto';
import { UtpSocket } from './socket.ts';
import type { UtpConnection } from './connection.ts';
import { ST_SYN, encodePacket } from './packet.ts';

const sha = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

async function readAll(c: UtpConnection, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`read ${got}/${n} bytes before the deadline`)), 30_000);
    c.on('data', (d: Buffer) => { parts.push(d); got += d.length; if (got >= n) { clearTimeout(t); resolve(Buffer.concat(parts)); } });
    c.on('error', (e) => { clearTimeout(t); reject(e); });
  });
}

test('two sockets on loopback: dial, accept, 2 MiB each way', async () => {
  const accepted: UtpConnection[] = [];
  const server = await UtpSocket.bind({ host: '127.0.0.1', port: 0, onConnection: (c) => accepted.push(c) });
  const client = await UtpSocket.bind({ host: '127.0.0.1', port: 0, onConnection: () => assert.fail('client accepted') });
  try {
    const c = await client.connect('127.0.0.1', server.port);
    assert.equal(c.remotePort, server.port);
    const up = randomBytes(2 << 20);
    const down = randomBytes(2 << 20);
    c.write(up);
    for (let i = 0; i < 200 && accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const s = accepted[0];
    assert.ok(s !== undefined);
    assert.equal(s.remoteAddress, '127.0.0.1');
    assert.equal(s.remotePort, client.port);
    s.write(down);
    const [atServer, atClient] = await Promise.all([readAll(s, up.length), readAll(c, down.length)]);
    assert.equal(sha(atServer), sha(up));
    assert.equal(sha(atClient), sha(down));
    assert.equal(server.connections, 1);
    const closed = new Promise((r) => s.once('close', r));
    c.destroy(); // the server side hears our RESET
    await closed;
    assert.equal(server.connections, 0);
  } finally {
    await client.close();
    await server.close();
  }
});

test('dual-stack socket on :: accepts IPv4 and IPv6 dials', async (t) => {
  const accepted: UtpConnection[] = [];
  let server: UtpSocket;
  try { server = await UtpSocket.bind({ host: '::', port: 0, onConnection: (c) => accepted.push(c) }); } catch { t.skip('no IPv6 on this machine'); return; }
  const c4 = await UtpSocket.bind({ host: '127.0.0.1', port: 0, onConnection: () => undefined });
  const c6 = await UtpSocket.bind({ host: '::1', port: 0, onConnection: () => undefined });
  try {
    const a = await c4.connect('127.0.0.1', server.port);
    const b = await c6.connect('::1', server.port);
    a.write('four');
    b.write('six');
    for (let i = 0; i < 200 && accepted.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const addrs = accepted.map((x) => x.remoteAddress).sort();
    assert.deepEqual(addrs, ['127.0.0.1', '::1']);
    const v4 = accepted.find((x) => x.remoteAddress === '127.0.0.1');
    assert.ok(v4 !== undefined);
    v4.write('reply');
    assert.equal((await readAll(a, 5)).toString(), 'reply');
  } finally {
    await c4.close();
    await c6.close();
    await server.close();
  }
});

test('garbage datagrams are ignored; SYNs past the pending bound are dropped; an unanswered dial times out', async () => {
  const accepted: UtpConnection[] = [];
  const server = await UtpSocket.bind({ host: '127.0.0.1', port: 0, maxPending: 2, onConnection: (c) => accepted.push(c) });
  const raw = dgram.createSocket('udp4');
  try {
    raw.send(Buffer.from('not utp at all'), server.port, '127.0.0.1');
    raw.send(randomBytes(20), server.port, '127.0.0.1');
    for (let id = 100; id < 105; id++) {
      raw.send(encodePacket({ type: ST_SYN, connectionId: id, timestamp: 0, timestampDiff: 0, wndSize: 65536, seqNr: 1, ackNr: 0 }), server.port, '127.0.0.1');
    }
    for (let i = 0; i < 100 && accepted.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(accepted.length, 2);
    // Nobody answers on the raw socket's port: the dial gives up at its timeout.
    const rawPort = raw.address().port;
    await assert.rejects(server.connect('127.0.0.1', rawPort, { timeoutMs: 300 }), /timed out/);
  } finally {
    raw.close();
    await server.close();
  }
});
