// MSE over real loopback sockets: the I/O edge (timeouts, detection, the encrypted stream).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { acceptIncoming, classifyFirstBytes } from '../incoming.ts';
import type { EncryptionPolicy } from '../peer-socket.ts';
import { req2Hash } from './handshake.ts';
import { mseConnect } from './negotiate.ts';

const SKEY = randomBytes(20);
const lookup = (r: Uint8Array): Uint8Array | undefined => (Buffer.from(r).equals(Buffer.from(req2Hash(SKEY))) ? SKEY : undefined);

async function pair(): Promise<{ client: net.Socket; server: net.Socket; close: () => void }> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  const serverSide = new Promise<net.Socket>((r) => srv.once('connection', r));
  const client = net.connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  const server = await serverSide;
  server.on('error', () => undefined);
  return { client, server, close: () => { client.destroy(); server.destroy(); srv.close(); } };
}

function readN(s: Duplex, n: number, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []; let got = 0;
    const timer = setTimeout(() => reject(new Error(`read ${got}/${n} bytes before the timeout`)), timeoutMs);
    const on = (c: Buffer): void => {
      parts.push(c); got += c.length;
      if (got >= n) { clearTimeout(timer); s.off('data', on); s.pause(); resolve(Buffer.concat(parts).subarray(0, n)); }
    };
    s.on('data', on);
    s.resume();
  });
}

test('first-byte classification', () => {
  assert.equal(classifyFirstBytes(new TextEncoder().encode('\x13BitTorrent protocol')), 'plaintext');
  assert.equal(classifyFirstBytes(new TextEncoder().encode('\x13BitTor')), undefined);
  assert.equal(classifyFirstBytes(new TextEncoder().encode('\x13BitTorrent protocoX')), 'mse');
  assert.equal(classifyFirstBytes(new Uint8Array([0x42])), 'mse');
});

for (const [out, inn, want] of [['require', 'prefer', 'rc4'], ['prefer', 'prefer', 'rc4'], ['prefer', 'require', 'rc4']] as const) {
  test(`MSE over TCP (${out} → ${inn}): ${want}, 1 MiB each way intact`, { timeout: 20_000 }, async () => {
    const { client, server, close } = await pair();
    try {
      const [a, b] = await Promise.all([
        mseConnect(client, { skey: SKEY, policy: out }),
        acceptIncoming(server, { policy: inn as EncryptionPolicy, lookup, timeoutMs: 5000 }),
      ]);
      assert.equal(a.encryption, want);
      assert.equal(b.encryption, want);
      const up = randomBytes(1 << 20); const down = randomBytes(1 << 20);
      const gotB = readN(b.stream, up.length);
      const gotA = readN(a.stream, down.length);
      a.stream.write(up);
      b.stream.write(down);
      assert.ok((await gotB).equals(up));
      assert.ok((await gotA).equals(down));
    } finally { close(); }
  });
}

test('plaintext peer: accepted under prefer (bytes intact), refused under require', { timeout: 10_000 }, async () => {
  const hs = Buffer.concat([Buffer.from('\x13BitTorrent protocol'), randomBytes(48)]);
  const p1 = await pair();
  try {
    p1.client.write(hs);
    const acc = await acceptIncoming(p1.server, { policy: 'prefer', lookup, timeoutMs: 5000 });
    assert.equal(acc.encryption, 'plaintext');
    assert.ok((await readN(acc.stream, 68)).equals(hs));
  } finally { p1.close(); }
  const p2 = await pair();
  try {
    p2.client.write(hs);
    await assert.rejects(acceptIncoming(p2.server, { policy: 'require', lookup, timeoutMs: 5000 }), /encryption required/);
  } finally { p2.close(); }
});

test('encrypted peer refused when encryption is off', { timeout: 10_000 }, async () => {
  const { client, server, close } = await pair();
  try {
    const c = mseConnect(client, { skey: SKEY, policy: 'require', timeoutMs: 3000 });
    await assert.rejects(acceptIncoming(server, { policy: 'plaintext', lookup, timeoutMs: 5000 }), /encryption off/);
    await assert.rejects(c);
  } finally { close(); }
});

test('a peer that stalls mid-handshake is dropped by the timeout (both roles)', { timeout: 10_000 }, async () => {
  const p1 = await pair();
  try {
    p1.client.write(randomBytes(96)); // a Ya, then silence
    await assert.rejects(acceptIncoming(p1.server, { policy: 'prefer', lookup, timeoutMs: 300 }), /timed out/);
    assert.ok(p1.server.destroyed);
  } finally { p1.close(); }
  const p2 = await pair();
  try {
    // The far side reads our Ya and answers with only half of a Yb.
    p2.server.once('data', () => p2.server.write(randomBytes(50)));
    await assert.rejects(mseConnect(p2.client, { skey: SKEY, policy: 'require', timeoutMs: 300 }), /timed out/);
    assert.ok(p2.client.destroyed);
  } finally { p2.close(); }
});

test('wrong SKEY over TCP: the receiver drops the connection, the initiator sees it close', { timeout: 10_000 }, async () => {
  const { client, server, close } = await pair();
  try {
    const c = mseConnect(client, { skey: randomBytes(20), policy: 'require', timeoutMs: 3000 });
    await assert.rejects(acceptIncoming(server, { policy: 'prefer', lookup, timeoutMs: 3000 }), /do not have/);
    await assert.rejects(c, /closed|timed out/);
  } finally { close(); }
});
