// Per-peer message handling for a torrent: turns wire messages into picker, availability, upload
// and interest updates, and keeps each peer's request pipeline full. The torrent owns the state;
// this file is the protocol logic between it and one connection.
import type { WireMessage } from './wire/messages.ts';
import { Bitfield } from './wire/bitfield.ts';
import type { PiecePicker } from './pieces/picker.ts';
import type { PieceAssembler } from './torrent-download.ts';
import type { Uploader } from './torrent-upload.ts';
import type { TokenBucket } from './rate/token-bucket.ts';
import { blockKey, MAX_PEER_REQUESTS, type PeerState } from './peer/peer-state.ts';
import { requestDepth } from './peer-pipeline.ts';

export const MAX_REQUEST_LENGTH = 128 * 1024;
const MAX_ALLOWED_FAST = 64;
const REQUEST_TIMEOUT_MS = 30_000;
const SNUB_MS = 60_000;

export interface WireContext {
  picker: PiecePicker;
  assembler: PieceAssembler;
  uploader: Uploader;
  downBucket: TokenBucket;
  /** Peers by key, to send endgame cancels to the other requesters. */
  peers: ReadonlyMap<number, PeerState>;
  /** Whether we are downloading at all (not paused, not checking, not complete). */
  downloading(): boolean;
  /** The peer's interest in us changed, or a seat may be free: let the choker react. */
  interestChanged(peer: PeerState): void;
  /** A protocol violation: close and forget the peer. */
  misbehaved(peer: PeerState, why: string): void;
  bytesDownloaded(peer: PeerState, n: number): void;
  /** A BEP 10 extended message (id 0 = the peer's extension handshake), routed to the registry. */
  extended(peer: PeerState, id: number, payload: Uint8Array): void;
}

export function handleMessage(ctx: WireContext, peer: PeerState, msg: WireMessage, now: number): void {
  const { picker } = ctx;
  switch (msg.type) {
    case 'keep-alive':
      return;
    case 'choke':
      peer.peerChoking = true;
      // Without the fast extension a choke silently discards every pending request (BEP 3);
      // with it the peer rejects each one explicitly (BEP 6), and timeouts catch the rest.
      if (!peer.fast) failAll(ctx, peer);
      return;
    case 'unchoke':
      peer.peerChoking = false;
      fillRequests(ctx, peer, now);
      return;
    case 'interested':
      peer.peerInterested = true;
      ctx.interestChanged(peer);
      return;
    case 'not-interested':
      peer.peerInterested = false;
      ctx.interestChanged(peer);
      return;
    case 'have': {
      if (msg.index >= picker.pieceCount) return ctx.misbehaved(peer, `HAVE for piece ${msg.index}`);
      peer.announcedPieces = true;
      if (picker.availability.have(peer.has, msg.index)) {
        if (peer.has.isFull()) peer.isSeed = true;
        if (!peer.amInterested && picker.wants(msg.index)) setInterested(ctx, peer, true, now);
      }
      return;
    }
    case 'bitfield': {
      if (peer.announcedPieces) return ctx.misbehaved(peer, 'bitfield after the first message');
      let bf: Bitfield;
      try {
        bf = Bitfield.fromWire(msg.bytes, picker.pieceCount);
      } catch (e) {
        return ctx.misbehaved(peer, e instanceof Error ? e.message : 'bad bitfield');
      }
      replaceHas(ctx, peer, bf);
      return;
    }
    case 'have-all':
      if (!peer.fast || peer.announcedPieces) return ctx.misbehaved(peer, 'unexpected have-all');
      replaceHas(ctx, peer, Bitfield.full(picker.pieceCount));
      return;
    case 'have-none':
      if (!peer.fast || peer.announcedPieces) return ctx.misbehaved(peer, 'unexpected have-none');
      peer.announcedPieces = true;
      return;
    case 'request': {
      if (msg.length === 0 || msg.length > MAX_REQUEST_LENGTH || msg.index >= picker.pieceCount ||
          msg.begin + msg.length > picker.pieceSize(msg.index)) {
        return ctx.misbehaved(peer, `bad request ${msg.index}:${msg.begin}+${msg.length}`);
      }
      if (peer.amChoking || peer.queue.length >= MAX_PEER_REQUESTS) {
        if (peer.fast) peer.conn.send({ type: 'reject', index: msg.index, begin: msg.begin, length: msg.length });
        return;
      }
      peer.queue.push({ index: msg.index, begin: msg.begin, length: msg.length });
      ctx.uploader.serve(peer);
      return;
    }
    case 'cancel': {
      const i = peer.queue.findIndex((r) => r.index === msg.index && r.begin === msg.begin && r.length === msg.length);
      if (i >= 0) {
        peer.queue.splice(i, 1);
        if (peer.fast) peer.conn.send({ type: 'reject', index: msg.index, begin: msg.begin, length: msg.length });
      }
      return;
    }
    case 'piece':
      onPiece(ctx, peer, msg.index, msg.begin, msg.block, now);
      return;
    case 'reject': {
      const k = blockKey(msg.index, msg.begin);
      if (peer.requested.delete(k)) picker.onRequestFailed(msg.index, msg.begin, peer.key);
      if (!peer.peerChoking) fillRequests(ctx, peer, now);
      return;
    }
    case 'allowed-fast':
      if (msg.index < picker.pieceCount && peer.allowedFast.size < MAX_ALLOWED_FAST) peer.allowedFast.add(msg.index);
      return;
    case 'extended':
      ctx.extended(peer, msg.id, msg.payload);
      return;
    case 'suggest':
    case 'port':
    case 'unknown':
      return; // understood and ignored (no DHT)
  }
}

function replaceHas(ctx: WireContext, peer: PeerState, bf: Bitfield): void {
  const av = ctx.picker.availability;
  av.removePeer(peer.has);
  peer.has = bf;
  av.addPeer(peer.has);
  peer.announcedPieces = true;
  peer.isSeed = bf.isFull();
  updateInterest(ctx, peer, Date.now());
}

function onPiece(ctx: WireContext, peer: PeerState, index: number, begin: number, block: Uint8Array, now: number): void {
  const k = blockKey(index, begin);
  const wasRequested = peer.requested.delete(k);
  peer.lastBlockAt = now;
  peer.snubbed = false;
  const r = ctx.assembler.block(index, begin, block, peer.key);
  if (r.accepted || wasRequested) {
    peer.downloaded += block.length;
    peer.down.add(block.length);
    ctx.bytesDownloaded(peer, block.length);
  }
  for (const c of r.cancels) {
    const other = ctx.peers.get(c.peerKey);
    if (other === undefined) continue;
    if (other.requested.delete(blockKey(c.piece, c.begin))) {
      other.conn.send({ type: 'cancel', index: c.piece, begin: c.begin, length: c.length });
    }
  }
  // Download rate limit: stop reading this socket until the bucket allows the bytes just taken.
  const wait = ctx.downBucket.request(block.length);
  if (wait > 0) peer.conn.pauseReadingFor(Math.min(wait, 10_000));
  // The pipeline is refilled once per socket read (the connection's 'batch' event), not per block.
}

/** Every outstanding request to this peer goes back to the pool (choke without fast ext, timeout, gone). */
/**
 * About once a second per peer: keep-alive, snubbing, requests given up after a timeout (back to
 * the picker for others), then interest and the pipeline. `downloading`: the torrent's status is
 * 'downloading' (the pipeline itself also waits for ctx.downloading()).
 */
export function tickPeer(ctx: WireContext, peer: PeerState, downloading: boolean, now: number): void {
  peer.conn.tick(now);
  if (peer.requested.size > 0) {
    if (now - peer.lastBlockAt > SNUB_MS) peer.snubbed = true;
    for (const [k, r] of peer.requested) {
      if (now - r.at > REQUEST_TIMEOUT_MS && now - peer.lastBlockAt > REQUEST_TIMEOUT_MS) {
        peer.requested.delete(k);
        ctx.picker.onRequestFailed(r.piece, r.begin, peer.key);
      }
    }
  }
  if (downloading) {
    if (!peer.amInterested || peer.requested.size === 0) updateInterest(ctx, peer, now);
    fillRequests(ctx, peer, now);
  } else if (peer.amInterested) updateInterest(ctx, peer, now);
}

export function failAll(ctx: WireContext, peer: PeerState): void {
  for (const r of peer.requested.values()) ctx.picker.onRequestFailed(r.piece, r.begin, peer.key);
  peer.requested.clear();
}

export function setInterested(ctx: WireContext, peer: PeerState, on: boolean, now: number): void {
  if (peer.amInterested === on) return;
  peer.amInterested = on;
  peer.conn.send({ type: on ? 'interested' : 'not-interested' });
  if (on) fillRequests(ctx, peer, now);
}

export function updateInterest(ctx: WireContext, peer: PeerState, now: number): void {
  const want = ctx.downloading() && ctx.picker.isInteresting(peer.has);
  setInterested(ctx, peer, want, now);
}

/**
 * Keep the peer's pipeline at the depth its rate calls for. Requests go out in one write; we wait
 * until a batch's worth is free so a fast peer costs one syscall per several blocks, not per block.
 */
export function fillRequests(ctx: WireContext, peer: PeerState, now: number): void {
  if (!peer.amInterested || peer.conn.closed || !ctx.downloading()) return;
  // The disk is behind: asking for more would only grow the pieces held in memory.
  if (ctx.assembler.backlogged) return;
  const choked = peer.peerChoking;
  if (choked && peer.allowedFast.size === 0) return;
  let depth = Math.min(requestDepth(peer.down.rate()), peer.maxRequests);
  // Under a download limit, a quarter second's worth in flight: whatever we request arrives in one
  // read, and a deep pipeline would land as a burst above the limit before the bucket can pause us.
  const limit = ctx.downBucket.rate;
  if (limit > 0) depth = Math.min(depth, Math.max(4, Math.ceil(limit / 4 / 16384)));
  const free = depth - peer.requested.size;
  // Refill in batches of an eighth of the depth: one small write per ~60 blocks on a fast link.
  if (free <= 0 || (peer.requested.size > 0 && free < Math.max(4, depth >> 3))) return;
  const blocks = choked
    ? ctx.picker.pick(peer.has, peer.key, free, { allowedFast: peer.allowedFast })
    : ctx.picker.pick(peer.has, peer.key, free);
  if (blocks.length === 0) return;
  for (const b of blocks) {
    peer.requested.set(blockKey(b.piece, b.begin), { piece: b.piece, begin: b.begin, length: b.length, at: now });
  }
  peer.conn.sendRequests(blocks);
}
