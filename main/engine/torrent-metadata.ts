// The metadata phase of a magnet (BEP 9): peers from trackers (tr=), x.pe= addresses, the DHT
// and incoming connections are dialled with a plain peer connection that only speaks the BEP 10
// handshake and ut_metadata. Each fetching peer delivers the whole info dict on its own (see
// extensions/ut-metadata.ts for why); the first copy whose hash matches the info-hash wins and
// every peer that sent a copy that does not match is banned. Then the fetcher closes its sockets
// and hands the addresses it learned to the real Torrent, which dials them again.
import type { EncryptionPolicy } from './transport/peer-socket.ts';
import type { UtpSocket } from './transport/utp/socket.ts';
import { EventEmitter } from 'node:events';
import type { PeerSocket } from './transport/peer-socket.ts';
import type { PeerSource } from '../../shared/snapshot.ts';
import { toHex } from './metainfo/hex.ts';
import { Announcer } from './discovery/announcer.ts';
import { PeerConnection } from './peer/peer-connection.ts';
import type { Handshake } from './wire/handshake.ts';
import { decodeExtensionHandshake, encodeExtensionHandshake } from './wire/extension-handshake.ts';
import { PeerDialer } from './torrent-peers.ts';
import type { PeerLimits } from './peer-limits.ts';
import {
  MAX_METADATA_SIZE, MetadataAssembler, UT_METADATA_ID, decodeMetadataMessage, encodeMetadataMessage,
} from './extensions/ut-metadata.ts';
import { UT_PEX_ID, decodePex } from './extensions/ut-pex.ts';

/** Peers gathering a full copy at the same time (bounds memory at this × MAX_METADATA_SIZE). */
const MAX_FETCHING = 3;
/** Requests outstanding per peer. */
const PIPELINE = 4;
const REQUEST_TIMEOUT_MS = 20_000;
const MAX_CONNECTIONS = 30;
const MAX_KNOWN = 500;
/** A bitfield cap for an unknown piece count (the decoder's default is 256 KiB = 2M pieces). */
const UNKNOWN_PIECE_COUNT = 256 * 1024 * 8;

export interface FetcherDeps {
  peerId: Uint8Array;
  limits: PeerLimits;
  listenPort: () => number;
  /** The session's MSE policy and uTP socket: metadata dials go out like the torrent's will. */
  encryption?: () => EncryptionPolicy;
  utp?: () => UtpSocket | undefined;
}

export interface FetcherInit {
  infoHashV1?: Uint8Array;
  infoHashV2?: Uint8Array;
  trackers: string[];
  /** x.pe= addresses, "host:port". */
  peers: string[];
  private?: boolean;
}

export type FetcherEvents = {
  /** The verified info dictionary (exact bytes). */
  metadata: [info: Uint8Array];
  warning: [message: string];
};

interface Fetching {
  conn: PeerConnection;
  source: PeerSource;
  utMetadata: number;
  /** metadata_size from the peer's extension handshake. */
  size: number | undefined;
  assembler: MetadataAssembler | undefined;
  outstanding: Map<number, number>;
}

export interface KnownPeer { host: string; port: number; source: PeerSource }

export class MetadataFetcher extends EventEmitter<FetcherEvents> {
  readonly infoHash: Uint8Array;
  readonly #init: FetcherInit;
  readonly #deps: FetcherDeps;
  readonly #peers = new Set<Fetching>();
  readonly #known = new Map<string, KnownPeer>();
  readonly banned = new Set<string>();
  readonly announcer: Announcer;
  readonly dialer: PeerDialer;
  #stopped = false;
  #done = false;

  constructor(init: FetcherInit, deps: FetcherDeps) {
    super();
    const ih = init.infoHashV1 ?? init.infoHashV2?.subarray(0, 20);
    if (ih === undefined) throw new Error('a magnet needs an info-hash');
    this.infoHash = ih;
    this.#init = init;
    this.#deps = deps;
    this.announcer = new Announcer(
      { infoHash: ih, peerId: deps.peerId, port: deps.listenPort(), tiers: init.trackers.map((t) => [t]) },
      // `left` is unknown before the metadata: any non-zero value says "leecher".
      () => ({ uploaded: 0, downloaded: 0, left: 1 }),
    );
    this.announcer.on('peers', (list) => { for (const p of list) this.addPeer(p.ip, p.port, 'tracker'); });
    this.announcer.on('warning', (m) => this.emit('warning', m));
    this.dialer = new PeerDialer({
      canDial: () => !this.#stopped && this.#peers.size < MAX_CONNECTIONS && deps.limits.available() > 0,
      isBanned: (host, port) => this.banned.has(`${host}:${port}`),
      isConnected: (host, port) => { for (const p of this.#peers) if (p.conn.ip === host && p.conn.port === port) return true; return false; },
      skey: ih,
      encryption: () => deps.encryption?.() ?? 'plaintext',
      utp: () => deps.utp?.(),
      connected: (socket, source) => this.#attach(socket, source),
    });
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  /** Addresses learned so far, with where they came from (handed to the Torrent afterwards). */
  knownPeers(): KnownPeer[] {
    return [...this.#known.values()];
  }

  start(): void {
    if (this.#stopped) return;
    for (const a of this.#init.peers) {
      const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(a);
      if (m) this.addPeer(m[1] as string, Number(m[2]), 'manual');
    }
    if (this.#init.trackers.length > 0) this.announcer.start();
  }

  addPeer(host: string, port: number, source: PeerSource): void {
    if (this.#stopped) return;
    const key = `${host}:${port}`;
    if (!this.#known.has(key) && this.#known.size < MAX_KNOWN) this.#known.set(key, { host, port, source });
    this.dialer.add(host, port, source);
  }

  acceptIncoming(socket: PeerSocket, handshake: Handshake, leftover: Uint8Array): void {
    if (this.#stopped || this.#peers.size >= MAX_CONNECTIONS || !this.#deps.limits.acquire()) { socket.destroy(); return; }
    this.#attach(socket, 'incoming', { handshake, leftover });
  }

  #attach(socket: PeerSocket, source: PeerSource, incoming?: { handshake: Handshake; leftover: Uint8Array }): void {
    if (incoming === undefined && !this.#deps.limits.acquire()) { socket.destroy(); return; }
    const conn = new PeerConnection(socket, {
      infoHash: this.infoHash, peerId: this.#deps.peerId, pieceCount: UNKNOWN_PIECE_COUNT, incoming: incoming !== undefined,
      ...(incoming !== undefined ? { remoteHandshake: incoming.handshake, leftover: incoming.leftover } : {}),
    });
    const f: Fetching = { conn, source, utMetadata: 0, size: undefined, assembler: undefined, outstanding: new Map() };
    this.#peers.add(f);
    let handshook = false;
    conn.on('handshake', (h) => {
      handshook = true;
      if (toHex(h.peerId) === toHex(this.#deps.peerId)) return conn.close('connected to ourselves');
      if (!h.extended) return conn.close('no extension protocol: cannot fetch metadata');
      // BEP 6: with the fast extension, the first message must say what we have (nothing yet).
      if (h.fast) conn.send({ type: 'have-none' });
      const m = new Map<string, number>([['ut_metadata', UT_METADATA_ID]]);
      if (this.#init.private !== true) m.set('ut_pex', UT_PEX_ID);
      conn.send({ type: 'extended', id: 0, payload: encodeExtensionHandshake({ m, port: this.#deps.listenPort(), client: 'Tessera' }) });
    });
    conn.on('message', (msg) => {
      if (msg.type !== 'extended') return; // bitfields, haves, chokes: nothing to do before the metadata
      try {
        this.#onExtended(f, msg.id, msg.payload);
      } catch (e) {
        conn.close(`ut_metadata: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    conn.on('close', () => {
      this.#deps.limits.release();
      this.#peers.delete(f);
      this.dialer.disconnected(conn.ip, conn.port, handshook);
      this.#startFetchers();
      this.dialer.pump();
    });
    conn.start();
  }

  #onExtended(f: Fetching, id: number, payload: Uint8Array): void {
    if (id === 0) {
      const hs = decodeExtensionHandshake(payload);
      f.utMetadata = hs.m.get('ut_metadata') ?? 0;
      if (f.utMetadata === 0) { f.conn.close('peer does not offer ut_metadata'); return; }
      const size = hs.metadataSize;
      if (size !== undefined && size > MAX_METADATA_SIZE) { f.conn.close(`metadata_size ${size} above the cap`); return; }
      f.size = size;
      this.#startFetchers();
      return;
    }
    if (id === UT_PEX_ID) {
      if (this.#init.private === true) return;
      for (const p of decodePex(payload).added) this.addPeer(p.ip, p.port, 'pex');
      return;
    }
    if (id !== UT_METADATA_ID) return;
    const m = decodeMetadataMessage(payload);
    if (m.type === 'request') {
      // Nothing to serve yet.
      f.conn.send({ type: 'extended', id: f.utMetadata, payload: encodeMetadataMessage({ type: 'reject', piece: m.piece }) });
      return;
    }
    const a = f.assembler;
    if (a === undefined || !f.outstanding.has(m.piece)) {
      // Unrequested data is ignored (a late reply after a timeout is possible), not trusted.
      return;
    }
    f.outstanding.delete(m.piece);
    if (m.type === 'reject') {
      // A peer that rejects while it announced a size is mid-download itself or throttling:
      // give its slot to another peer.
      f.conn.close('rejected a metadata request');
      return;
    }
    const r = a.onData(m.piece, m.totalSize, m.data);
    if (r.kind === 'bad') { this.#ban(f, r.why); return; }
    if (r.kind === 'done') { this.#finish(r.info); return; }
    this.#request(f);
  }

  /** Give idle peers that announced a size their own assembler, up to MAX_FETCHING at once. */
  #startFetchers(): void {
    if (this.#done || this.#stopped) return;
    let active = 0;
    for (const p of this.#peers) if (p.assembler !== undefined) active++;
    for (const p of this.#peers) {
      if (active >= MAX_FETCHING) return;
      const size = p.size;
      if (p.assembler !== undefined || p.utMetadata === 0 || size === undefined || p.conn.closed) continue;
      try {
        p.assembler = new MetadataAssembler(size, {
          ...(this.#init.infoHashV1 !== undefined ? { v1: this.#init.infoHashV1 } : {}),
          ...(this.#init.infoHashV2 !== undefined ? { v2: this.#init.infoHashV2 } : {}),
        });
      } catch (e) {
        p.conn.close(e instanceof Error ? e.message : String(e));
        continue;
      }
      active++;
      this.#request(p);
    }
  }

  #request(f: Fetching): void {
    const a = f.assembler;
    if (a === undefined) return;
    const now = Date.now();
    while (f.outstanding.size < PIPELINE) {
      const piece = a.nextRequest();
      if (piece === undefined) return;
      f.outstanding.set(piece, now);
      f.conn.send({ type: 'extended', id: f.utMetadata, payload: encodeMetadataMessage({ type: 'request', piece }) });
    }
  }

  #ban(f: Fetching, why: string): void {
    this.banned.add(`${f.conn.ip}:${f.conn.port}`);
    this.#known.delete(`${f.conn.ip}:${f.conn.port}`);
    this.emit('warning', `dropped ${f.conn.ip}:${f.conn.port}: ${why}`);
    f.conn.close(`bad metadata: ${why}`);
  }

  #finish(info: Uint8Array): void {
    if (this.#done) return;
    this.#done = true;
    this.emit('metadata', Uint8Array.from(info));
  }

  /** About once a second: keep-alives, stalled requests, more dials. */
  tick(now: number): void {
    for (const f of [...this.#peers]) {
      f.conn.tick(now);
      for (const at of f.outstanding.values()) {
        if (now - at > REQUEST_TIMEOUT_MS) { f.conn.close('metadata request timed out'); break; }
      }
    }
    this.dialer.pump();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.dialer.close();
    for (const f of [...this.#peers]) f.conn.close('metadata phase over');
    await this.announcer.stop().catch(() => undefined);
  }
}
