// EncryptedStream's two read paths: zero-copy through tcp.ts's shared buffer for a dialled socket
// (decrypted in place there), 'data' events otherwise. Bytes must arrive in order and intact across
// the switch, including bytes that were already buffered (decrypted or not) when the sink attached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { dial, setReadSink } from '../tcp.ts';
import { acceptIncoming } from '../incoming.ts';
import { req2Hash } from './handshake.ts';
import { mseConnect } from './negotiate.ts';
import type { PeerSocket } from '../peer-socket.ts';

async function pair(): Promise<{ dialled: PeerSocket; accepted: PeerSocket; close: () => void }> {
  const skey = randomBytes(20);
  const want = Buffer.from(req2Hash(skey));
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  const incoming = new Promise<net.Socket>((r) => srv.once('connection', r));
  const client = await dial('127.0.0.1', port, { timeoutMs: 5000 });
  const server = await incoming;
  server.on('error', () => undefined);
  const [a, b] = await Promise.all([
    mseConnect(client, { skey, policy: 'require', timeoutMs: 5000 }),
    acceptIncoming(server, { policy: 'require', lookup: (r) => (want.equals(r) ? skey : undefined), timeoutMs: 5000 }),
  ]);
  assert.equal(a.encryption, 'rc4');
  assert.equal(b.encryption, 'rc4');
  return { dialled: a.stream, accepted: b.stream, close: () => { a.stream.destroy(); b.stream.destroy(); srv.close(); } };
}

function collect(total: number, timeoutMs: number): { sink: (c: Uint8Array) => void; done: Promise<Buffer> } {
  const parts: Buffer[] = [];
  let got = 0;
  let resolve: (b: Buffer) => void = () => undefined;
  let reject: (e: Error) => void = () => undefined;
  const done = new Promise<Buffer>((res, rej) => { resolve = res; reject = rej; });
  const timer = setTimeout(() => reject(new Error(`only ${got} of ${total} bytes within ${timeoutMs} ms`)), timeoutMs);
  const sink = (c: Uint8Array): void => {
    parts.push(Buffer.from(c)); // the chunk is transient: copy it
    got += c.length;
    if (got >= total) { clearTimeout(timer); resolve(Buffer.concat(parts)); }
  };
  return { sink, done };
}

test('dialled RC4 stream: zero-copy sink gets every byte in order, including bytes buffered before it attached', { timeout: 20_000 }, async () => {
  const { dialled, accepted, close } = await pair();
  try {
    const data = randomBytes(3 << 20);
    // Send a first part and let it sit in the EncryptedStream and socket buffers before attaching.
    accepted.write(data.subarray(0, 200_000));
    await new Promise((r) => setTimeout(r, 100));
    const { sink, done } = collect(data.length, 15_000);
    assert.equal(setReadSink(dialled, sink), true, 'a dialled TCP socket under MSE takes the zero-copy path');
    dialled.resume();
    // Pause and resume through the sink path (PeerConnection's back-pressure) while data flows.
    dialled.pause();
    accepted.write(data.subarray(200_000));
    await new Promise((r) => setTimeout(r, 50));
    dialled.resume();
    assert.ok((await done).equals(data));
  } finally {
    close();
  }
});

test('accepted RC4 stream: no zero-copy path, data events carry the decrypted bytes; writes encrypt once both ways', { timeout: 20_000 }, async () => {
  const { dialled, accepted, close } = await pair();
  try {
    const { sink, done } = collect(1 << 20, 15_000);
    assert.equal(setReadSink(accepted, sink), false, 'an incoming socket has no shared read buffer');
    accepted.on('data', (c: Buffer) => sink(c));
    const data = randomBytes(1 << 20);
    const original = Buffer.from(data);
    dialled.cork();
    for (let o = 0; o < data.length; o += 16384) dialled.write(data.subarray(o, o + 16384));
    dialled.uncork();
    assert.ok((await done).equals(original));
    assert.ok(data.equals(original), 'the caller’s buffers stay untouched');
  } finally {
    close();
  }
});
