// The upload path of one torrent: requests queued by unchoked peers are served from a small cache
// of whole pieces (one disk read per piece instead of one per 16 KiB block; a leecher asks for a
// piece's blocks together), respecting socket backpressure and the global upload token bucket.
// No timer per block: a blocked queue is retried on 'drain' or by one timer for the bucket.
import type { TokenBucket } from './rate/token-bucket.ts';
import type { PeerState } from './peer/peer-state.ts';

export interface PieceReader {
  readPiece(piece: number): Promise<Uint8Array>;
}

const CACHE_PIECES = 16;

export class Uploader {
  #reader: PieceReader;
  #bucket: TokenBucket;
  #have: (piece: number) => boolean;
  #onSent: (peer: PeerState, bytes: number) => void;
  #cache = new Map<number, Promise<Uint8Array>>();
  #busy = new Set<PeerState>();
  #timer: NodeJS.Timeout | undefined;
  #waiting = new Set<PeerState>();
  #closed = false;
  onError: (e: unknown) => void = () => {};

  constructor(reader: PieceReader, bucket: TokenBucket, have: (piece: number) => boolean, onSent: (peer: PeerState, bytes: number) => void) {
    this.#reader = reader;
    this.#bucket = bucket;
    this.#have = have;
    this.#onSent = onSent;
  }

  /** Serve as much of the peer's queue as backpressure and the rate limit allow. */
  serve(peer: PeerState): void {
    if (this.#closed || this.#busy.has(peer)) return;
    void this.#run(peer);
  }

  async #run(peer: PeerState): Promise<void> {
    this.#busy.add(peer);
    try {
      while (!this.#closed && !peer.conn.closed && !peer.amChoking && peer.queue.length > 0) {
        if (peer.conn.congested) return; // resumed by the connection's 'drain'
        const req = peer.queue[0];
        if (req === undefined) return;
        const wait = this.#bucket.request(req.length);
        if (wait > 0) {
          this.#bucket.refund(req.length);
          this.#retryLater(peer, wait);
          return;
        }
        if (!this.#have(req.index)) {
          peer.queue.shift();
          if (peer.fast) peer.conn.send({ type: 'reject', index: req.index, begin: req.begin, length: req.length });
          continue;
        }
        const piece = await this.#piece(req.index);
        // The request may have been cancelled, or the peer choked, while we read.
        if (peer.queue[0] !== req || peer.amChoking || peer.conn.closed) continue;
        peer.queue.shift();
        if (req.begin + req.length > piece.length) continue;
        peer.conn.sendPiece(req.index, req.begin, piece.subarray(req.begin, req.begin + req.length));
        this.#onSent(peer, req.length);
      }
    } catch (e) {
      this.onError(e);
      peer.conn.close(`upload failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.#busy.delete(peer);
    }
  }

  #piece(index: number): Promise<Uint8Array> {
    let p = this.#cache.get(index);
    if (p !== undefined) {
      // Refresh its place in the LRU (a Map iterates in insertion order).
      this.#cache.delete(index);
      this.#cache.set(index, p);
      return p;
    }
    p = this.#reader.readPiece(index);
    p.catch(() => this.#cache.delete(index));
    this.#cache.set(index, p);
    while (this.#cache.size > CACHE_PIECES) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
    return p;
  }

  #retryLater(peer: PeerState, ms: number): void {
    this.#waiting.add(peer);
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const peers = [...this.#waiting];
      this.#waiting.clear();
      for (const p of peers) this.serve(p);
    }, Math.min(1000, Math.max(5, ms)));
    this.#timer.unref();
  }

  /** A piece's data changed on disk (recheck) or a peer left: forget cached copies. */
  invalidate(): void {
    this.#cache.clear();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#cache.clear();
    this.#waiting.clear();
  }
}
