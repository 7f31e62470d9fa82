// Streams a byte layout (files end to end, with zero-filled pad files or gaps) through the hash
// pool in chunks: each worker reads its chunk itself (pread into its own buffer) and hashes it
// while the bytes are still in cache, so nothing is copied between threads and the main thread
// only dispatches. Read-ahead is bounded: at most `depth` chunks are in flight. v1 piece SHA-1s
// are computed over whole chunks (one message per chunk, not per piece) and v2 16 KiB-block
// SHA-256s per file segment. Used by create and verify. With the addon, the layout goes to it
// whole instead (hashNatively): its threads share out the pieces with no message per chunk.
import { TesseraError } from '../errors.ts';
import type { HashPool, ReadSegment } from './hash-pool.ts';
import type { NativeReader } from './native-reader.ts';

export interface LayoutEntry {
  /** File to read, or null for zeros (BEP 47 pad file, v2 alignment gap). */
  abs: string | null;
  /** Bytes this entry occupies in the layout. */
  length: number;
  /** Where the entry starts in its file (a part of a file; default 0). */
  offset?: number;
  /** Bytes actually present on disk from the entry's start (verify: a short or missing file reads as zeros past this). */
  available?: number;
  /** Compute v2 block hashes for this entry. */
  blocks?: boolean;
}

export interface LayoutHashOptions {
  pieceLength: number;
  /** Compute v1 SHA-1 piece hashes over the whole layout. */
  sha1: boolean;
  /** Bytes per job (rounded to whole pieces, at least pool.sha1Batch of them). Default DEFAULT_CHUNK. */
  chunkSize?: number;
  /** Chunks in flight. Default 3 per pool lane. */
  depth?: number;
  signal?: AbortSignal;
  /** Called as chunks finish hashing, with the layout bytes done so far (not in order). */
  onProgress?: (doneBytes: number) => void;
  onPieces?: (firstPiece: number, digests: Uint8Array) => void;
  /** Leaves of an entry, `firstBlock` counted from the entry's start. */
  onBlocks?: (entryIndex: number, firstBlock: number, digests: Uint8Array) => void;
}

export const BLOCK = 16384;
/**
 * 8 MiB per worker job: each job opens its files, posts a message and waits its turn, which at
 * 2 MiB cost 10-15% of a 1 GiB run from the page cache (measured when the workers also did v1
 * with the addon: 299 vs 258 ms). bench/create.ts prints the job-size sweep.
 */
export const DEFAULT_CHUNK = 8 * 1024 * 1024;

export async function hashLayout(pool: HashPool, entries: readonly LayoutEntry[], o: LayoutHashOptions): Promise<void> {
  const pl = o.pieceLength;
  const wantBlocks = entries.some((e) => e.blocks);
  if (wantBlocks && pl % BLOCK !== 0) throw new TesseraError('BAD_ARGUMENT', 'v2 piece length must be a multiple of 16 KiB');
  if (pool.native) {
    const segs = entries.map(segmentOf);
    if (pool.native.fits(segs, pl, o.sha1)) return hashNatively(pool.native, entries, segs, o);
  }
  // At least as many whole pieces per job as the pool hashes at once (v1 only: a hybrid's SHA-256
  // leaves need the whole chunk in memory).
  const batch = o.sha1 && !wantBlocks ? pool.sha1Batch : 1;
  const chunk = Math.max(batch, Math.floor((o.chunkSize ?? DEFAULT_CHUNK) / pl)) * pl;
  const depth = Math.max(2, o.depth ?? pool.lanes * 3);
  const total = entries.reduce((s, e) => s + e.length, 0);
  const starts: number[] = [];
  let acc = 0;
  for (const e of entries) { starts.push(acc); acc += e.length; }

  let failure: unknown = null;
  const inflight = new Set<Promise<void>>();
  let done = 0;
  let entry = 0; // first entry overlapping the current chunk

  try {
    for (let pos = 0; pos < total; pos += chunk) {
      if (o.signal?.aborted) throw new TesseraError('ABORTED', 'cancelled');
      while (inflight.size >= depth && !failure) await Promise.race(inflight);
      if (failure) throw failure;
      const len = Math.min(chunk, total - pos);
      while (entry < entries.length && (starts[entry] as number) + (entries[entry] as LayoutEntry).length <= pos) entry++;
      const segs: ReadSegment[] = [];
      const segEntry: number[] = [];
      for (let i = entry; i < entries.length && (starts[i] as number) < pos + len; i++) {
        const e = entries[i] as LayoutEntry;
        const a = Math.max(pos, starts[i] as number);
        const b = Math.min(pos + len, (starts[i] as number) + e.length);
        if (b <= a) continue;
        const off = a - (starts[i] as number);
        const avail = e.abs === null ? 0 : Math.max(0, Math.min(b - a, (e.available ?? e.length) - off));
        segs.push({ path: avail > 0 ? e.abs : null, pos: (e.offset ?? 0) + off, len: b - a, avail, blocks: e.blocks === true, strict: e.available === undefined });
        segEntry.push(i);
      }
      const first = pos / pl;
      const p: Promise<void> = pool.readHash(segs, pl, o.sha1).then((r) => {
        if (r.pieces) o.onPieces?.(first, r.pieces);
        r.blocks.forEach((d, k) => {
          const e = segEntry[k] as number;
          if (d) o.onBlocks?.(e, ((segs[k] as ReadSegment).pos - ((entries[e] as LayoutEntry).offset ?? 0)) / BLOCK, d);
        });
        done += len;
        o.onProgress?.(done);
      }, (err: unknown) => {
        failure ??= err;
      }).finally(() => { inflight.delete(p); });
      inflight.add(p);
    }
    await Promise.all(inflight);
    if (failure) throw failure;
    if (o.signal?.aborted) throw new TesseraError('ABORTED', 'cancelled');
  } finally {
    await Promise.allSettled(inflight);
  }
}

/** A whole entry as a read segment. */
function segmentOf(e: LayoutEntry): ReadSegment {
  const avail = e.abs === null ? 0 : Math.min(e.length, e.available ?? e.length);
  return { path: avail > 0 ? e.abs : null, pos: e.offset ?? 0, len: e.length, avail, blocks: e.blocks === true, strict: e.available === undefined };
}

/** With the addon: one call reads and hashes the whole layout on its threads (native-reader.ts). */
async function hashNatively(native: NativeReader, entries: readonly LayoutEntry[], segs: ReadSegment[], o: LayoutHashOptions): Promise<void> {
  if (o.signal?.aborted) throw new TesseraError('ABORTED', 'cancelled');
  const r = await native.hashSegments(segs, o.pieceLength, {
    sha1: o.sha1,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  if (r.pieces) o.onPieces?.(0, r.pieces);
  r.blocks.forEach((d, i) => {
    if (d && (entries[i] as LayoutEntry).length > 0) o.onBlocks?.(i, 0, d);
  });
}

/**
 * Each entry's 16 KiB leaves as hashLayout hands them over (pass `onBlocks` to it): an entry's
 * leaves given whole are kept as they are (the addon's path: no copy), parts are copied into place.
 */
export class LeafCollector {
  readonly #leaves = new Map<number, Uint8Array>();

  constructor(private readonly entries: readonly LayoutEntry[]) {}

  readonly onBlocks = (entry: number, first: number, d: Uint8Array): void => {
    const size = this.#size(entry);
    if (first === 0 && d.length === size && !this.#leaves.has(entry)) {
      this.#leaves.set(entry, d);
      return;
    }
    // Leaves past the collector's size (verify keeps a prefix of a file) are not wanted.
    const room = Math.max(0, size - first * 32);
    if (room > 0) this.get(entry).set(d.length > room ? d.subarray(0, room) : d, first * 32);
  };

  /** The entry's leaves, 32 bytes each; zeros for any never handed over. */
  get(entry: number): Uint8Array {
    let l = this.#leaves.get(entry);
    if (!l) {
      l = new Uint8Array(this.#size(entry));
      this.#leaves.set(entry, l);
    }
    return l;
  }

  #size(entry: number): number {
    return Math.ceil(((this.entries[entry] as LayoutEntry).length) / BLOCK) * 32;
  }
}
