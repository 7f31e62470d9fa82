// Read-and-hash jobs run by the addon (native/hash-files.h) instead of the hash workers: files
// read and hashed on threads the addon starts, off the JS thread, with v1 piece SHA-1s and/or
// BEP 52 16 KiB leaves. A thread starts in microseconds where a worker takes 60-100 ms to boot,
// and a whole layout goes in one call, with no message per chunk. HashPool uses it for every
// read-hash job it fits (fits()); the workers keep in-memory jobs and layouts whose leaves are
// not 16 KiB-aligned.
import { getSystemErrorName } from 'node:util';
import { TesseraError } from '../errors.ts';
import type { Sha1x8 } from './native-sha1.ts';
import type { ReadHashResult, ReadSegment } from './hash-pool.ts';

const LEAF = 16384;

export interface NativeHashOptions {
  /** SHA-1 of every pieceLength slice of the segments end to end. */
  sha1: boolean;
  /** Threads for this call (default: the reader's). */
  threads?: number;
  signal?: AbortSignal;
  /** Polled every 100 ms: true stops the threads as an abort does. */
  stop?: () => boolean;
  /** Bytes of the layout done so far, polled every 100 ms and once at the end. */
  onProgress?: (doneBytes: number) => void;
}

export class NativeReader {
  /** Calls into the addon (tests and benchmarks). */
  calls = 0;
  #running = 0;
  #queue: Array<() => void> = [];
  #closed = false;

  /** `threads`: jobs of readHash() at once (one thread each), and the threads of one hashSegments() call. */
  constructor(private readonly addon: Sha1x8, readonly threads: number) {}

  /** Each path's size when it is a regular file, else -1: one blocking call (storage/file-sizes.ts batches them). */
  statFiles(paths: string[]): Float64Array {
    return this.addon.statFiles(paths);
  }

  /**
   * Whether the addon can run this job: something to hash, and each segment with leaves starting
   * on a 16 KiB boundary of the layout with pieces a multiple of 16 KiB (v2 and hybrid layouts
   * are built so; a leaf never straddles two reads).
   */
  fits(segs: readonly ReadSegment[], pieceLength: number, sha1: boolean): boolean {
    let leaves = false;
    let at = 0;
    for (const g of segs) {
      if (g.blocks) {
        if (at % LEAF !== 0) return false;
        leaves = true;
      }
      at += g.len;
    }
    return at > 0 && (sha1 || leaves) && (!leaves || pieceLength % LEAF === 0);
  }

  /** One job on one thread, at most `threads` at once (the engine's recheck sends many). */
  async readHash(segs: readonly ReadSegment[], pieceLength: number, sha1: boolean): Promise<ReadHashResult> {
    if (this.#running >= this.threads) await new Promise<void>((go) => this.#queue.push(go));
    this.#running++;
    try {
      return await this.hashSegments(segs, pieceLength, { sha1, threads: 1 });
    } finally {
      this.#running--;
      this.#queue.shift()?.();
    }
  }

  /**
   * The segments end to end read and hashed in one call on `threads` threads: pieces when `sha1`
   * (null otherwise), and the leaves of each segment that asks (null for the others). An abort
   * stops the threads within a group of eight pieces and rejects with ABORTED.
   */
  async hashSegments(segs: readonly ReadSegment[], pieceLength: number, o: NativeHashOptions): Promise<ReadHashResult> {
    if (this.#closed) throw new TesseraError('ABORTED', 'hash pool closed');
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) throw new TesseraError('BAD_ARGUMENT', `bad piece length ${pieceLength}`);
    if (!this.fits(segs, pieceLength, o.sha1)) throw new TesseraError('BAD_ARGUMENT', 'these segments need the hash workers (nothing to hash, or leaves off a 16 KiB boundary)');
    const nums = new Float64Array(segs.length * 5);
    let total = 0;
    let leafCount = 0;
    const leafAt = segs.map((g, i) => {
      nums.set([g.pos, g.len, g.avail, g.strict ? 1 : 0, g.blocks ? 1 : 0], i * 5);
      total += g.len;
      const at = leafCount;
      if (g.blocks) leafCount += Math.ceil(g.len / LEAF);
      return at;
    });
    const pieces = new Uint8Array(o.sha1 ? Math.ceil(total / pieceLength) * 20 : 0);
    const leaves = new Uint8Array(leafCount * 32);
    const control = new Int32Array(2);
    const stop = (): void => { control[0] = 1; };
    o.signal?.addEventListener('abort', stop);
    const report = o.onProgress;
    const poll = o.stop;
    let stopped = false;
    const timer = report || poll ? setInterval(() => {
      if (poll?.()) { stopped = true; stop(); }
      report?.(Math.min(total, (control[1] as number) * pieceLength));
    }, 100) : null;
    this.calls++;
    try {
      await this.addon.hashFiles(segs.map((g) => g.path), nums, pieceLength, pieces, leaves, control, Math.max(1, o.threads ?? this.threads));
    } catch (e) {
      // The addon's error carries the C errno (0 when none): the message gets Node's name for it.
      const errno = (e as { errno?: unknown }).errno;
      const message = e instanceof Error ? e.message : String(e);
      throw new TesseraError('IO_ERROR', typeof errno === 'number' && errno > 0 ? `${errnoName(errno)}: ${message}` : message);
    } finally {
      if (timer) clearInterval(timer);
      o.signal?.removeEventListener('abort', stop);
    }
    if (o.signal?.aborted || stopped) throw new TesseraError('ABORTED', 'cancelled');
    report?.(total);
    return {
      pieces: o.sha1 ? pieces : null,
      blocks: segs.map((g, i) => (g.blocks ? leaves.subarray((leafAt[i] as number) * 32, ((leafAt[i] as number) + Math.ceil(g.len / LEAF)) * 32) : null)),
    };
  }

  /** Queued and later jobs reject with ABORTED; running ones finish on their threads. */
  close(): void {
    this.#closed = true;
    for (const go of this.#queue.splice(0)) go();
  }
}

function errnoName(errno: number): string {
  try {
    return getSystemErrorName(-errno); // libuv's codes are negated errno values on POSIX
  } catch {
    return `errno ${errno}`;
  }
}
