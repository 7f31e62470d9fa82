// The download path of one torrent: blocks are copied into a buffer per piece; a complete piece is hashed in the pool and, only when
// the hash matches, written to disk in one call. Nothing unverified ever reaches the disk, and
// there is one write per piece instead of one per 16 KiB block.
//
// Ordering that resume data relies on: write → picker.onPieceVerified → sink.verified. A piece
// appears in the have-bitfield (and so in resume data) only after its bytes are on disk.
import type { PiecePicker, Cancel } from './pieces/picker.ts';
import type { HashPool } from './hashing/hash-pool.ts';

/** Recycled piece buffers kept for reuse (at most this many idle). */
const MAX_FREE_BUFFERS = 32;

export interface PieceStore {
  write(piece: number, begin: number, data: Uint8Array): Promise<void>;
}

export interface DownloadSink {
  verified(piece: number): void;
  failed(piece: number, contributors: number[]): void;
  error(e: unknown): void;
}

export interface AssemblerDeps {
  picker: PiecePicker;
  store: PieceStore;
  hashPool: HashPool;
  /** Concatenated 20-byte SHA-1 piece hashes. */
  pieceHashes: Uint8Array;
  sink: DownloadSink;
}

export class PieceAssembler {
  #deps: AssemblerDeps;
  #bufs = new Map<number, Uint8Array>();
  /** Pieces hashing or being written: their buffers are off-limits to new blocks. */
  #finishing = new Set<number>();
  #bytes = 0;
  #closed = false;
  #free: Uint8Array[] = [];

  constructor(deps: AssemblerDeps) {
    this.#deps = deps;
  }

  /** Bytes held in piece buffers (bounded by the pieces the picker has in progress). */
  get bufferedBytes(): number {
    return this.#bytes;
  }

  get finishing(): number {
    return this.#finishing.size;
  }

  /**
   * A PIECE message arrived from peerKey. Returns whether it was wanted and which duplicate
   * requests to cancel (endgame). The block may be a view of a socket chunk: it is copied here.
   */
  block(piece: number, begin: number, block: Uint8Array, peerKey: number): { accepted: boolean; cancels: Cancel[] } {
    const { picker } = this.#deps;
    if (this.#closed || this.#finishing.has(piece)) return { accepted: false, cancels: [] };
    const r = picker.onBlock(piece, begin, block.length, peerKey);
    if (!r.accepted) return r;
    let buf = this.#bufs.get(piece);
    if (buf === undefined) {
      const size = picker.pieceSize(piece);
      buf = this.#alloc(size);
      this.#bufs.set(piece, buf);
      this.#bytes += size;
    }
    buf.set(block, begin);
    if (r.pieceComplete) void this.#finish(piece, buf);
    return r;
  }

  async #finish(piece: number, buf: Uint8Array): Promise<void> {
    const { picker, hashPool, pieceHashes, store, sink } = this.#deps;
    this.#finishing.add(piece);
    try {
      const digest = await hashPool.sha1(buf);
      if (this.#closed) return;
      if (!sameHash(digest, pieceHashes, piece * 20)) {
        this.#release(piece);
        sink.failed(piece, picker.onPieceFailed(piece));
        return;
      }
      await store.write(piece, 0, buf);
      if (this.#closed) return;
      this.#release(piece);
      picker.onPieceVerified(piece);
      sink.verified(piece);
    } catch (e) {
      if (this.#closed) return;
      this.#release(piece);
      // Treat as not downloaded: the picker offers the piece again.
      picker.onPieceFailed(piece);
      sink.error(e);
    }
  }

  /**
   * Piece buffers are SharedArrayBuffer-backed, so the hash worker reads them in place (a
   * postMessage clone of 1 MiB costs more than hashing it), and recycled: a fresh buffer per
   * piece measured several times slower (page faults and GC on every piece). A stale buffer's
   * old bytes are harmless: a piece is hashed and written only once every block is in.
   */
  #alloc(size: number): Uint8Array {
    const full = this.#deps.picker.pieceLength;
    const b = this.#free.pop() ?? new Uint8Array(new SharedArrayBuffer(full));
    return size === full ? b : b.subarray(0, size);
  }

  #release(piece: number): void {
    this.#finishing.delete(piece);
    const b = this.#bufs.get(piece);
    if (b !== undefined) {
      this.#bytes -= b.length;
      this.#bufs.delete(piece);
      if (this.#free.length < MAX_FREE_BUFFERS) this.#free.push(new Uint8Array(b.buffer));
    }
  }

  /** Forget every partial piece (pause, remove, recheck). */
  clear(): void {
    this.#bufs.clear();
    this.#finishing.clear();
    this.#bytes = 0;
  }

  close(): void {
    this.#closed = true;
    this.clear();
  }
}

function sameHash(digest: Uint8Array, all: Uint8Array, off: number): boolean {
  if (digest.length !== 20 || off + 20 > all.length) return false;
  for (let i = 0; i < 20; i++) if (digest[i] !== all[off + i]) return false;
  return true;
}
