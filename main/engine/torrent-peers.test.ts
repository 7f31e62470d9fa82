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
 * A dialer free to dial any address whose every connection is closed at once, as the torrent
 * closes one that ends before (`handshaken` false) or after the BitTorrent handshake.
 */
function closingDialer(port: number, handshaken: boolean, onClose: () => void): PeerDialer {
  const dialer: PeerDialer = new PeerDialer({
    canDial: () => true,
    isBanned: () => false,
    isConnected: () => false,
    connected: (socket) => { socket.destroy(); onClose(); dialer.disconnected('127.0.0.1', port, handshaken); },
  });
  return dialer;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

test('an address whose connection closes before the handshake is dialled again, backing off as a failed dial', async () => {
  mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const peer = await hangingUpPeer();
  let closedEarly = 0;
  const dialer = closingDialer(peer.port, false, () => { closedEarly++; });
  try {
    dialer.add('127.0.0.1', peer.port, 'manual');
    await until(() => closedEarly === 1 && peer.accepted() === 1, 'the first dial connected and closed');
    dialer.pump();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peer.accepted(), 1, 'not again at once');
    mock.timers.tick(30_001); // the first failure's back-off: 15 s x 2
    dialer.pump();
    await until(() => peer.accepted() === 2 && closedEarly === 2, 'dialled again after the back-off');
    mock.timers.tick(30_001); // the second failure backs off 60 s
    dialer.pump();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peer.accepted(), 2, 'the back-off doubled');
    mock.timers.tick(30_000);
    dialer.pump();
    await until(() => peer.accepted() === 3, 'dialled a third time');
  } finally {
    dialer.close();
    mock.timers.reset();
    await new Promise<void>((resolve) => peer.server.close(() => resolve()));
  }
});

test('an address whose connection got past the handshake is dialled again after the base delay', async () => {
  mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const peer = await hangingUpPeer();
  let sessions = 0;
  const dialer = closingDialer(peer.port, true, () => { sessions++; });
  try {
    dialer.add('127.0.0.1', peer.port, 'manual');
    await until(() => sessions === 1, 'first session');
    mock.timers.tick(15_001);
    dialer.pump();
    await until(() => sessions === 2, 'again after 15 s');
  } finally {
    dialer.close();
    mock.timers.reset();
    await new Promise<void>((resolve) => peer.server.close(() => resolve()));
  }
});
