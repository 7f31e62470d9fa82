// Adapter between a torrent's peers and the pure Choker: builds its input and applies its answer
// (applyChoke sends the choke/unchoke messages). One Choker per torrent keeps the optimistic
// unchoke rotation state.
import { Choker, type ChokerPeer } from './choker/choker.ts';
import type { PeerState } from './peer/peer-state.ts';

const chokers = new WeakMap<ReadonlyMap<number, PeerState>, Choker>();

// Called every 10 s and whenever interest changes: the optimistic slot rotates on its own clock
// (Choker: every 30 s), so running it more often re-ranks the regular slots without rotating.
export function runChoker(peers: ReadonlyMap<number, PeerState>, seeding: boolean, now: number,
  apply: (peer: PeerState, unchoke: boolean) => void): void {
  let choker = chokers.get(peers);
  if (choker === undefined) {
    choker = new Choker({ slots: 8, clock: () => performance.now() });
    chokers.set(peers, choker);
  }
  const input: ChokerPeer[] = [];
  for (const p of peers.values()) {
    input.push({ key: p.key, interested: p.peerInterested, downRate: p.down.rate(), upRate: p.up.rate(),
      isSeed: p.isSeed, snubbed: p.snubbed, connectedAt: p.connectedAt - now + performance.now() });
  }
  const unchoke = choker.run(input, seeding ? 'seeding' : 'leeching');
  for (const p of peers.values()) {
    const want = unchoke.has(p.key);
    if (want === p.amChoking) apply(p, want);
  }
}

/**
 * Choke or unchoke one peer. An unchoked peer's queued requests are served at once; on choke a
 * Fast Extension peer gets a reject per dropped request (BEP 6), others just lose them.
 */
export function applyChoke(peer: PeerState, unchoke: boolean, now: number, serve: (peer: PeerState) => void): void {
  peer.amChoking = !unchoke;
  if (unchoke) peer.unchokedAt = now;
  peer.conn.send({ type: unchoke ? 'unchoke' : 'choke' });
  if (unchoke) serve(peer);
  else if (!peer.fast) peer.queue.length = 0;
  else { for (const r of peer.queue) peer.conn.send({ type: 'reject', ...r }); peer.queue.length = 0; }
}
