// Regression: a receiver that selects plaintext and sends its BT handshake right after step 4
// (Transmission does) must see our BT handshake before anything we answer to its handshake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { dial } from '../tcp.ts';
import { PeerConnection } from '../../peer/peer-connection.ts';
import { decodeHandshake, encodeHandshake } from '../../wire/handshake.ts';
import { CRYPTO_PLAINTEXT, MseReceiver, req2Hash } from './handshake.ts';
import { mseConnect } from './negotiate.ts';

test('plaintext selected by the receiver: our handshake precedes our reply to its handshake', { timeout: 15_000 }, async () => {
  const infoHash = randomBytes(20);
  const want = Buffer.from(req2Hash(infoHash)).toString('hex');
  const after: Buffer[] = [];
  let conn: PeerConnection | undefined;
  const got = new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no handshake + reply within 10 s')), 10_000);
    const srv = net.createServer((s) => {
      s.on('error', () => undefined);
      const m = new MseReceiver({ lookup: (r) => (Buffer.from(r).toString('hex') === want ? infoHash : undefined), allowed: CRYPTO_PLAINTEXT });
      let done = false;
      s.on('data', (chunk: Buffer) => {
        if (done) {
          after.push(chunk);
          const all = Buffer.concat(after);
          if (all.length >= 68 + 5) { clearTimeout(timer); s.destroy(); srv.close(); resolve(all); }
          return;
        }
        const step = m.push(chunk);
        const out = [...step.out];
        if (step.done !== undefined) {
          done = true;
          assert.equal(step.done.method, 'plaintext');
          // In the same segment as step 4, so it reaches the initiator as early payload.
          out.push(encodeHandshake({ infoHash, peerId: randomBytes(20), fast: true, extended: false }));
        }
        if (out.length > 0) s.write(Buffer.concat(out));
      });
    });
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      void dial('127.0.0.1', port).then((sock) => mseConnect(sock, { skey: infoHash, policy: 'prefer' })).then(({ stream, encryption }) => {
        assert.equal(encryption, 'plaintext');
        conn = new PeerConnection(stream, { infoHash, peerId: randomBytes(20), pieceCount: 8, incoming: false });
        conn.on('handshake', () => conn?.send({ type: 'have-none' }));
        conn.start();
      }, reject);
    });
  });
  try {
    const bytes = await got;
    const hs = decodeHandshake(bytes.subarray(0, 68));
    assert.deepEqual(Buffer.from(hs.infoHash), infoHash);
    assert.deepEqual([...bytes.subarray(68, 73)], [0, 0, 0, 1, 0x0f], 'then HAVE_NONE');
  } finally {
    conn?.close('test over');
  }
});
