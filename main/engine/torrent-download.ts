// The download path of one torrent: blocks are copied into a buffer per piece and hashed as they
// arrive in order; a complete piece whose SHA-1 matches is written to disk in one call. Nothing
// unverified ever reaches the disk, and there is one write per piece instead of one per 16 KiB block.
//
// Hashing here, incrementally, rather than in the worker pool: SHA-1 costs ~1.3 µs per KiB with
// SHA-NI, ~20 µs per block — less than handing a finished piece to a worker, and the piece buffers
// can be plain memory (copies into SharedArrayBuffer memory take V8's slow relaxed-atomic path, and
// a pool that falls behind makes pieces pile up in fresh, page-faulting buffers).
//
// Ordering that resume data relies on: write → picker.onPieceVerified → sink.verified. A piece
// appears in the have-bitfield (and so in resume data) only after its bytes are on disk.
import { createHash, type Hash } from 'node:crypto';
import { BLOCK_SIZE, type PiecePicker, type Cancel } from './pieces/picker.ts';

/** Recycled piece buffers kept for reuse (at most this many idle). */
const MAX_FREE_BUFFERS = 32;
/** Pieces complete but not yet on disk before the download pauses for the disk to catch up. */
const MAX_FINISHING = 24;

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
  /** Concatenated 20-byte SHA-1 piece hashes (absent for v2-only torrents). */
  pieceHashes: Uint8Array | undefined;
  /** BEP 52 merkle check of a complete piece (v2; a hybrid must pass both checks). */
  merkle?: (piece: number, data: Uint8Array) => boolean;
  sink: DownloadSink;
}

/** A piece being assembled: its buffer, which blocks are in, and the SHA-1 of the in-order prefix. */
interface Partial {
  buf: Uint8Array;
  got: Uint8Array;
  hash: Hash;
  /** Blocks [0, hashedBlocks) are in the hash. */
  hashedBlocks: number;
}

export class PieceAssembler {
  #deps: AssemblerDeps;
  #bufs = new Map<number, Partial>();
  /** Pieces hashing or being written: their buffers are off-limits to new blocks. */
  #finishing = new Set<number>();
  #bytes = 0;
  #closed = false;
  #free: Uint8Array[] = [];
  #writes: Promise<void> = Promise.resolve();

  constructor(deps: AssemblerDeps) {
    this.#deps = deps;
  }

  /** Bytes held in piece buffers (bounded by the pieces the picker has in progress). */
  get bufferedBytes(): number {
    return this.#bytes;
  }

  /** Verified pieces waiting for (or in) their disk write: request no more while this is high. */
  get backlogged(): boolean {
    return this.#finishing.size >= MAX_FINISHING;
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
    let p = this.#bufs.get(piece);
    if (p === undefined) {
      const size = picker.pieceSize(piece);
      p = { buf: this.#alloc(size), got: new Uint8Array(Math.ceil(size / BLOCK_SIZE)), hash: createHash('sha1'), hashedBlocks: 0 };
      this.#bufs.set(piece, p);
      this.#bytes += size;
    }
    p.buf.set(block, begin);
    p.got[begin / BLOCK_SIZE] = 1; // the picker accepts only block-aligned offsets
    // Hash every block now contiguous with the hashed prefix (usually just this one).
    while (p.hashedBlocks < p.got.length && p.got[p.hashedBlocks] === 1) {
      const from = p.hashedBlocks * BLOCK_SIZE;
      p.hash.update(p.buf.subarray(from, Math.min(p.buf.length, from + BLOCK_SIZE)));
      p.hashedBlocks++;
    }
    if (r.pieceComplete) void this.#finish(piece, p);
    return r;
  }

  async #finish(piece: number, p: Partial): Promise<void> {
    const { picker, pieceHashes, store, sink } = this.#deps;
    this.#finishing.add(piece);
    try {
      if (p.hashedBlocks !== p.got.length) {
        // Cannot happen while the picker completes a piece only when every block is in; if it
        // ever did, download the piece again rather than trust or blame anything.
        this.#release(piece);
        picker.onPieceFailed(piece);
        return;
      }
      const digest = p.hash.digest();
      if ((pieceHashes !== undefined && !sameHash(digest, pieceHashes, piece * 20)) || this.#deps.merkle?.(piece, p.buf) === false) {
        this.#release(piece);
        sink.failed(piece, picker.onPieceFailed(piece));
        return;
      }
      // One piece at a time per torrent: many pieces' pwrites at once contend on the file's inode
      // lock in the kernel (measured: spinning in rwsem, more system time, slower writes). The
      // store writes a piece in a few 128 KiB calls (storage/fs-store.ts WRITE_CHUNK).
      const write = this.#writes.then(() => store.write(piece, 0, p.buf));
      this.#writes = write.catch(() => undefined);
      await write;
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
   * Piece buffers are recycled: a fresh buffer per piece measured several times slower (page
   * faults and GC on every piece). A stale buffer's old bytes are harmless: a piece is hashed and
   * written only once every block is in.
   */
  #alloc(size: number): Uint8Array {
    const full = this.#deps.picker.pieceLength;
    const b = this.#free.pop() ?? Buffer.allocUnsafeSlow(full);
    return size === full ? b : b.subarray(0, size);
  }

  #release(piece: number): void {
    this.#finishing.delete(piece);
    const p = this.#bufs.get(piece);
    if (p !== undefined) {
      this.#bytes -= p.buf.length;
      this.#bufs.delete(piece);
      if (this.#free.length < MAX_FREE_BUFFERS) this.#free.push(new Uint8Array(p.buf.buffer, p.buf.byteOffset, this.#deps.picker.pieceLength));
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
