// The peer connections of one torrent, from dial or accept to close: the dialer's gates, the gate for incoming peers, the
// handshake checks (ourselves, banned ids), registration with the picker's availability, routing
// each message to the BEP 52 hash exchange or the wire logic, the teardown that hands the peer's
// requests back, and bans (by address and peer id) with the bad-piece counts that lead to them.
// It also owns the torrent's BEP 10 extension registry, since our extension handshake is sent here.
// The torrent owns the state (peers, banned, status); this file is the per-connection plumbing.
import type { PeerSource, TorrentStatus } from '../../shared/snapshot.ts';
import { toHex } from './metainfo/hex.ts';
import type { PiecePicker } from './pieces/picker.ts';
import type { Handshake } from './wire/handshake.ts';
import { PeerConnection } from './peer/peer-connection.ts';
import { MAX_PEER_REQUESTS, PeerState } from './peer/peer-state.ts';
import { ExtensionRegistry, type ExtensionHandler } from './peer/extensions.ts';
import type { Uploader } from './torrent-upload.ts';
import { failAll, fillRequests, handleMessage, updateInterest, type WireContext } from './torrent-wire.ts';
import { PeerDialer } from './torrent-peers.ts';
import type { HashesHost, TorrentHashes } from './torrent-hashes.ts';
import type { PeerLimits } from './peer-limits.ts';
import type { EncryptionPolicy, PeerSocket } from './transport/peer-socket.ts';
import type { UtpSocket } from './transport/utp/socket.ts';
import { ownIPv6 } from './transport/addresses.ts';

/** What the connections read of their torrent (the Torrent class satisfies it). */
export interface ConnectionsHost extends HashesHost {
  readonly infoHash: Uint8Array;
  readonly pieceMap: { readonly pieceCount: number };
  readonly peers: Map<number, PeerState>;
  readonly banned: Set<string>;
  readonly picker: PiecePicker;
  readonly status: TorrentStatus;
  readonly paused: boolean;
  readonly maxConnections: number;
  chokerTick(now: number): void;
}

/** The torrent's private parts the connections use. */
export interface ConnectionsParts {
  peerId: Uint8Array;
  limits: PeerLimits;
  listenPort: () => number;
  hashes: TorrentHashes;
  wire: WireContext;
  uploader: Uploader;
  /** The torrent wants more peers (running, not stopped, below its connection cap). */
  wantsPeers: () => boolean;
  encryption: () => EncryptionPolicy;
  utp: () => UtpSocket | undefined;
}

export interface AttachOptions {
  source: PeerSource;
  incoming: boolean;
  handshake?: Handshake;
  leftover?: Uint8Array;
  /** A session connection slot was already taken for this socket. */
  acquired?: boolean;
}

export class TorrentConnections {
  readonly #host: ConnectionsHost;
  readonly #parts: ConnectionsParts;
  readonly #extensions = new ExtensionRegistry();
  #nextKey = 1;
  readonly dialer: PeerDialer;

  constructor(host: ConnectionsHost, parts: ConnectionsParts) {
    this.#host = host;
    this.#parts = parts;
    this.dialer = new PeerDialer({
      canDial: () => parts.wantsPeers() && parts.limits.available() > 0,
      isBanned: (ip, port) => host.banned.has(ip) || host.banned.has(`${ip}:${port}`),
      isConnected: (ip, port) => { for (const p of host.peers.values()) if (p.conn.ip === ip && p.conn.port === port) return true; return false; },
      skey: host.infoHash,
      encryption: parts.encryption,
      utp: parts.utp,
      connected: (socket, source) => this.attach(socket, { source, incoming: false }),
    });
  }

  /** An incoming connection whose handshake named this torrent: refused unless we want peers now. */
  acceptIncoming(socket: PeerSocket, handshake: Handshake, leftover: Uint8Array): void {
    const t = this.#host;
    const ip = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (t.paused || t.status === 'checking' || t.status === 'completed' || t.status === 'error' || t.peers.size >= t.maxConnections ||
        t.banned.has(toHex(handshake.peerId)) || t.banned.has(ip) || t.banned.has(`${ip}:${socket.remotePort ?? 0}`) || !this.#parts.limits.acquire()) {
      socket.destroy();
      return;
    }
    this.attach(socket, { source: 'incoming', incoming: true, handshake, leftover, acquired: true });
  }

  attach(socket: PeerSocket, o: AttachOptions): void {
    const t = this.#host;
    const parts = this.#parts;
    if (o.acquired !== true && !parts.limits.acquire()) { socket.destroy(); return; }
    const now = Date.now();
    const conn = new PeerConnection(socket, {
      // An incoming peer of a hybrid may be in either swarm: answer with the hash it used.
      infoHash: o.handshake?.infoHash ?? t.infoHash, peerId: parts.peerId, pieceCount: t.pieceMap.pieceCount, incoming: o.incoming, now,
      ...(o.handshake !== undefined ? { remoteHandshake: o.handshake } : {}),
      ...(o.leftover !== undefined ? { leftover: o.leftover } : {}),
    });
    const peer = new PeerState(this.#nextKey++, conn, t.pieceMap.pieceCount, o.source, now);
    let registered = false;
    conn.on('handshake', (h) => {
      if (toHex(h.peerId) === toHex(parts.peerId)) return conn.close('connected to ourselves');
      if (t.banned.has(toHex(h.peerId))) return conn.close('banned');
      peer.setPeerId(h.peerId);
      peer.fast = h.fast;
      t.peers.set(peer.key, peer);
      t.picker.availability.addPeer(peer.has);
      registered = true;
      this.#sendHave(peer);
      if (h.extended) this.#sendExtHandshake(peer);
    });
    conn.on('message', (m) => {
      if (!registered) return;
      try {
        if (parts.hashes.handles(m)) parts.hashes.onMessage(t, peer, m, Date.now());
        else handleMessage(parts.wire, peer, m, Date.now());
      } catch (e) {
        conn.close(e instanceof Error ? e.message : String(e));
      }
    });
    conn.on('drain', () => parts.uploader.serve(peer));
    conn.on('batch', () => { if (registered && t.status === 'downloading') fillRequests(parts.wire, peer, Date.now()); });
    conn.on('close', () => {
      parts.limits.release();
      const handshook = registered;
      if (registered) {
        registered = false;
        failAll(parts.wire, peer);
        parts.hashes.peerGone(peer);
        t.picker.onPeerGone(peer.key);
        t.picker.availability.removePeer(peer.has);
        t.peers.delete(peer.key);
        if (!peer.amChoking) t.chokerTick(Date.now());
      }
      // Before or after the handshake: the address may be dialed again (dialer.disconnected).
      this.dialer.disconnected(conn.ip, conn.port, handshook);
      this.dialer.pump();
    });
    conn.start();
  }

  #sendHave(peer: PeerState): void {
    const have = this.#host.picker.haveBitfield();
    if (peer.fast && have.isFull()) peer.conn.send({ type: 'have-all' });
    else if (peer.fast && have.isEmpty()) peer.conn.send({ type: 'have-none' });
    else if (!have.isEmpty()) peer.conn.send({ type: 'bitfield', bytes: have.toWire() });
  }

  /** See Torrent.registerExtension. */
  registerExtension(name: string, handler: ExtensionHandler, preferredId?: number): number {
    const id = this.#extensions.registerExtension(name, handler, preferredId);
    for (const p of this.#host.peers.values()) if (p.conn.remote?.extended === true) this.#sendExtHandshake(p);
    return id;
  }

  /** A BEP 10 message from a registered peer (WireContext.extended). */
  receiveExtended(peer: PeerState, id: number, payload: Uint8Array): void {
    this.#extensions.receive(peer, id, payload);
  }

  #sendExtHandshake(peer: PeerState): void {
    const payload = this.#extensions.handshake({ port: this.#parts.listenPort(), reqq: MAX_PEER_REQUESTS, yourIp: peer.conn.ip, ...ownIPv6(peer.conn.socket) });
    peer.conn.send({ type: 'extended', id: 0, payload });
  }

  /** A piece verified: tell the peers that lack it; `refill` the pipelines the write backlog held back. */
  pieceVerified(piece: number, refill: boolean, now: number): void {
    for (const p of this.#host.peers.values()) {
      if (!p.has.get(piece)) p.conn.send({ type: 'have', index: piece });
      if (refill) fillRequests(this.#parts.wire, p, now);
    }
  }

  /** Our download completed: seeds have nothing for us and we nothing for them; the rest lose our interest. */
  downloadCompleted(): void {
    for (const p of [...this.#host.peers.values()]) {
      if (p.isSeed) p.conn.close('both complete');
      else updateInterest(this.#parts.wire, p, Date.now());
    }
  }

  /** Close every connection (pause, recheck, stop, storage error, seeding finished). */
  dropAll(why: string): void {
    for (const p of [...this.#host.peers.values()]) p.conn.close(why);
  }

  /** A piece failed its hash check: count it against the peers that sent blocks of it. */
  blame(contributors: number[]): void {
    for (const key of contributors) {
      const peer = this.#host.peers.get(key);
      if (peer === undefined) continue;
      peer.badPieces++;
      if (contributors.length === 1) peer.soleBadPieces++;
      if (peer.badPieces >= 3 || peer.soleBadPieces >= 2) this.ban(peer, `sent ${peer.badPieces} corrupt pieces`);
    }
  }

  /**
   * Ban by IP, by address and by peer id. Loopback addresses are banned per port only: every
   * test peer (and every local client) shares 127.0.0.1, and one liar must not ban them all.
   */
  ban(peer: PeerState, why: string): void {
    const banned = this.#host.banned;
    banned.add(`${peer.conn.ip}:${peer.conn.port}`);
    if (!/^(127\.|::1$)/.test(peer.conn.ip)) banned.add(peer.conn.ip);
    if (peer.conn.remote !== undefined) banned.add(toHex(peer.conn.remote.peerId));
    this.#host.emit('warning', `banned ${peer.id}: ${why}`);
    peer.conn.close(`banned: ${why}`);
  }
}
