// PeerDialer: which addresses get dialled again, and when.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { PeerDialer } from './torrent-peers.ts';

/** A TCP "peer" that accepts and hangs up at once, counting the connections. */
async function hangingUpPeer(): Promise<{ server: Server; port: number; accepted: () => number }> {
  let n = 0;
  const server = createServer((s) => { n++; s.destroy(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, accepted: () => n };
}

/**
 * Runs `body` with a peer that hangs up at once and a dialer free to dial any address, which
 * closes every connection as the torrent closes one that ends before (`handshaken` false) or after
 * the BitTorrent handshake; `closes()` counts them. Date is mocked from 1,000,000.
 */
async function withClosingDialer(handshaken: boolean,
  body: (dialer: PeerDialer, peer: { port: number; accepted: () => number }, closes: () => number) => Promise<void>): Promise<void> {
  mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const peer = await hangingUpPeer();
  let closed = 0;
  const dialer: PeerDialer = new PeerDialer({
    canDial: () => true,
    isBanned: () => false,
    isConnected: () => false,
    connected: (socket) => { socket.destroy(); closed++; dialer.disconnected('127.0.0.1', peer.port, handshaken); },
  });
  try {
    dialer.add('127.0.0.1', peer.port, 'manual');
    await body(dialer, peer, () => closed);
  } finally {
    dialer.close();
    mock.timers.reset();
    await new Promise<void>((resolve) => peer.server.close(() => resolve()));
  }
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

test('an address whose connection closes before the handshake is dialled again, backing off as a failed dial', async () => {
  await withClosingDialer(false, async (dialer, peer, closedEarly) => {
    await until(() => closedEarly() === 1 && peer.accepted() === 1, 'the first dial connected and closed');
    dialer.pump();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peer.accepted(), 1, 'not again at once');
    mock.timers.tick(30_001); // the first failure's back-off: 15 s x 2
    dialer.pump();
    await until(() => peer.accepted() === 2 && closedEarly() === 2, 'dialled again after the back-off');
    mock.timers.tick(30_001); // the second failure backs off 60 s
    dialer.pump();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peer.accepted(), 2, 'the back-off doubled');
    mock.timers.tick(30_000);
    dialer.pump();
    await until(() => peer.accepted() === 3, 'dialled a third time');
  });
});

test('an address whose connection got past the handshake is dialled again after the base delay', async () => {
  await withClosingDialer(true, async (dialer, _peer, sessions) => {
    await until(() => sessions() === 1, 'first session');
    mock.timers.tick(15_001);
    dialer.pump();
    await until(() => sessions() === 2, 'again after 15 s');
  });
});
