// What a torrent knows about one connected peer: choke/interest flags, its pieces, requests we
// have outstanding with it, requests it has queued with us, rates, and the blame counters that
// get a peer sending bad data banned. Plain data plus small helpers; the torrent drives it.
import type { PeerSource, PeerSummary } from '../../../shared/snapshot.ts';
import { Bitfield } from '../wire/bitfield.ts';
import type { ExtensionHandshake } from '../wire/extension-handshake.ts';
import { RateMeter } from '../rate/rate-meter.ts';
import type { PeerConnection } from './peer-connection.ts';
import { clientFromPeerId } from './peer-id.ts';
import { EncryptedStream } from '../transport/mse/encrypted-stream.ts';
import { UtpConnection } from '../transport/utp/connection.ts';
import type { PeerSocket } from '../transport/peer-socket.ts';

/** uTP or TCP under the (possibly encrypting) stream a peer talks through. */
export function transportOf(s: PeerSocket): 'utp' | 'tcp' {
  return (s instanceof EncryptedStream ? s.socket : s) instanceof UtpConnection ? 'utp' : 'tcp';
}

/** Most block requests a peer may queue with us; more are dropped (libtorrent's default reqq is 500). */
export const MAX_PEER_REQUESTS = 500;

export interface QueuedRequest { index: number; begin: number; length: number }

export class PeerState {
  readonly key: number;
  readonly conn: PeerConnection;
  readonly source: PeerSource;
  /** Their pieces; stays an empty bitfield until bitfield/have-all/have messages arrive. */
  has: Bitfield;
  isSeed = false;
  /** True once a bitfield, have-all or have-none arrived (only the first message may be one). */
  announcedPieces = false;
  fast = false;
  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;
  /** Outstanding block requests we sent, keyed piece*2^20+begin/16K-style by the torrent. */
  readonly requested = new Map<number, { piece: number; begin: number; length: number; at: number }>();
  /** Requests from them waiting to be served. */
  readonly queue: QueuedRequest[] = [];
  readonly allowedFast = new Set<number>();
  readonly down = new RateMeter();
  readonly up = new RateMeter();
  downloaded = 0;
  uploaded = 0;
  lastBlockAt: number;
  snubbed = false;
  /** Pieces that failed their hash check with this peer as a contributor. */
  badPieces = 0;
  /** Pieces that failed with this peer as the only contributor. */
  soleBadPieces = 0;
  client = '';
  /** The peer's BEP 10 handshake (its `m` ids, `v`, `reqq`, `yourip`), once it sent one. */
  ext: ExtensionHandshake | undefined;
  /** Most requests the peer accepts outstanding (its `reqq`); our pipeline never goes deeper. */
  maxRequests = MAX_PEER_REQUESTS;
  unchokedAt = 0;
  connectedAt: number;

  constructor(key: number, conn: PeerConnection, pieceCount: number, source: PeerSource, now: number) {
    this.key = key;
    this.conn = conn;
    this.source = source;
    this.has = new Bitfield(pieceCount);
    this.lastBlockAt = now;
    this.connectedAt = now;
  }

  setPeerId(id: Uint8Array): void {
    // The `v` of an extension handshake names the client better than a peer-id prefix: keep it.
    if (this.ext?.client === undefined) this.client = clientFromPeerId(id);
  }

  setExtensionHandshake(h: ExtensionHandshake): void {
    this.ext = h;
    if (h.client !== undefined && h.client.trim() !== '') this.client = h.client;
    // reqq below a handful would starve the link; a peer that says 1 still gets served, slowly.
    if (h.reqq !== undefined) this.maxRequests = Math.max(1, Math.min(MAX_PEER_REQUESTS, h.reqq));
  }

  get id(): string {
    return this.conn.ip.includes(':') ? `[${this.conn.ip}]:${this.conn.port}` : `${this.conn.ip}:${this.conn.port}`;
  }

  summary(pieceCount: number): PeerSummary {
    return {
      id: this.id,
      ip: this.conn.ip,
      port: this.conn.port,
      client: this.client,
      encryption: this.conn.socket instanceof EncryptedStream ? 'rc4' : 'plaintext',
      transport: transportOf(this.conn.socket),
      flags: {
        amChoking: this.amChoking,
        amInterested: this.amInterested,
        peerChoking: this.peerChoking,
        peerInterested: this.peerInterested,
        incoming: this.conn.incoming,
        snubbed: this.snubbed,
      },
      source: this.source,
      progress: pieceCount === 0 ? 1 : this.isSeed ? 1 : this.has.count() / pieceCount,
      downRate: this.down.rate(),
      upRate: this.up.rate(),
      downloaded: this.downloaded,
      uploaded: this.uploaded,
    };
  }
}

/** A numeric key for a block: exact for pieces < 2^31 / 16 KiB-aligned offsets < 2^22 blocks. */
export function blockKey(piece: number, begin: number): number {
  return piece * 0x400000 + begin / 16384;
}
