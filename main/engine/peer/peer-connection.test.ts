// PeerConnection over a real loopback socket pair: handshake, typed messages both ways, and the
// connection closes (never crashes) on a wrong info-hash or an oversized frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { PeerConnection } from './peer-connection.ts';
import type { WireMessage } from '../wire/messages.ts';

async function pair(): Promise<[net.Socket, net.Socket, () => void]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const a = net.connect(port, '127.0.0.1');
  const b = await accepted;
  await new Promise((r) => a.once('connect', r));
  return [a, b, () => server.close()];
}

test('two PeerConnections handshake and exchange messages, pieces included', async () => {
  const [sa, sb, done] = await pair();
  const infoHash = randomBytes(20);
  const a = new PeerConnection(sa, { infoHash, peerId: randomBytes(20), pieceCount: 10, incoming: false });
  const b = new PeerConnection(sb, { infoHash, peerId: randomBytes(20), pieceCount: 10, incoming: true });
  const got: WireMessage[] = [];
  const handshook = new Promise((r) => b.once('handshake', r));
  const all = new Promise<void>((r) => b.on('message', (m) => { got.push(m); if (got.length === 3) r(); }));
  a.start();
  b.start();
  await handshook;
  const block = randomBytes(16384);
  a.sendMany([{ type: 'interested' }, { type: 'have', index: 3 }]);
  a.sendPiece(2, 16384, block);
  await all;
  assert.deepEqual(got.slice(0, 2), [{ type: 'interested' }, { type: 'have', index: 3 }]);
  const p = got[2];
  assert.ok(p?.type === 'piece' && p.index === 2 && p.begin === 16384 && Buffer.from(p.block).equals(block));
  a.close('done');
  await new Promise((r) => (b.closed ? r(null) : b.once('close', r)));
  done();
});

test('a wrong info-hash or an oversized frame closes the connection', async () => {
  for (const evil of ['hash', 'frame'] as const) {
    const [sa, sb, done] = await pair();
    const ours = new PeerConnection(sb, { infoHash: randomBytes(20), peerId: randomBytes(20), pieceCount: 10, incoming: false });
    const closed = new Promise<string>((r) => ours.once('close', r));
    ours.start();
    if (evil === 'hash') {
      const theirs = new PeerConnection(sa, { infoHash: randomBytes(20), peerId: randomBytes(20), pieceCount: 10, incoming: false });
      theirs.start();
      assert.match(await closed, /different torrent/);
      theirs.close('x');
    } else {
      const hs = Buffer.alloc(68);
      hs[0] = 19; hs.write('BitTorrent protocol', 1);
      // Echo the right info-hash: read ours first.
      const first = await new Promise<Buffer>((r) => sa.once('data', r));
      first.copy(hs, 28, 28, 48);
      sa.write(hs);
      const huge = Buffer.alloc(5); huge.writeUInt32BE(64 * 1024 * 1024); huge[4] = 7;
      sa.write(huge);
      assert.match(await closed, /exceeds|too large|cap/i);
      sa.destroy();
    }
    done();
  }
});
