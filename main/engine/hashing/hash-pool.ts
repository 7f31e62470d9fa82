// A small pool of worker_threads hashing SHA-1/SHA-256 off the event loop (ARCHITECTURE.md:
// "hashing off the event loop"). Each worker keeps up to two jobs queued so it never idles
// between messages; idle workers are unref'd so they never keep the process alive.
// Optionally the calling thread is a lane too (`mainThread`): for a short-lived CLI process
// whose event loop has nothing else to do, it hashes from the first millisecond while a worker
// takes 60-100 ms to boot, and on two cores one worker plus this lane leaves a core's worth of
// worker start-up unpaid. Never for the engine, whose event loop serves peers.
// SHA-1 of whole pieces goes eight at a time through the sha1x8 addon when it is built
// (native-sha1.ts; sha1Batch tells callers to send jobs of at least eight pieces), else node:crypto.
// With the addon, read-hash jobs skip the workers: the addon reads and hashes them on threads of
// its own (native-reader.ts), `nativeThreads` jobs at once; a thread starts in microseconds,
// where a worker takes 60-100 ms to boot.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { TesseraError } from '../errors.ts';
import { mainThreadOps, WORKER_SOURCE, type RunOp } from './worker-source.ts';
import { findSha1x8, loadSha1x8, SHA1X8_LANES } from './native-sha1.ts';
import { NativeReader } from './native-reader.ts';

export type HashOp = 'sha1' | 'sha256' | 'sha1-pieces' | 'sha256-blocks' | 'read-hash';

/** One piece of a chunk the worker reads itself: `len` bytes of `path` from `pos` (null path: zeros). */
export interface ReadSegment {
  path: string | null;
  pos: number;
  len: number;
  /** Bytes to read; the rest of `len` is zeros (a short or missing file when verifying). */
  avail: number;
  /** Also return this segment's 16 KiB SHA-256 leaves. */
  blocks: boolean;
  /** A short read is an error (the file changed while creating). */
  strict: boolean;
}

export interface ReadHashResult {
  /** SHA-1 per pieceLength slice of the whole chunk, when asked for. */
  pieces: Uint8Array | null;
  /** Per segment: concatenated 16 KiB-block SHA-256s, or null. */
  blocks: Array<Uint8Array | null>;
}

interface Job {
  id: number;
  op: HashOp;
  msg: Record<string, unknown>;
  resolve: (r: never) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  inflight: Map<number, Job>;
  /** The worker runs JS (its 'online' event). Until then, with a main-thread lane, jobs wait for that lane instead. */
  online: boolean;
}

const PER_WORKER = 2;

export interface HashPoolOptions {
  /** Worker threads (default: one per core). */
  threads?: number;
  /** Also run jobs synchronously on the calling thread, between its event-loop turns. */
  mainThread?: boolean;
  /** The sha1x8 addon to hash with (default: found by findSha1x8); null: node:crypto only. */
  sha1x8?: string | null;
  /** Read-hash jobs the addon runs at once, each on a thread of its own (default: threads; 0: never). */
  nativeThreads?: number;
}

export class HashPool {
  readonly threads: number;
  /** Jobs that can run at once: the workers plus the main-thread lane if there is one. */
  readonly lanes: number;
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private mainOps: RunOp | null;
  private mainScheduled = false;
  /** Workers ready() waits for: kept ref'd until they run, whatever pump() does meanwhile. */
  private awaited = new Set<Slot>();
  /** Jobs the main-thread lane has run (for tests and benchmarks). */
  mainLaneJobs = 0;
  /**
   * Whole pieces a SHA-1 job should hold for the lanes to hash at full speed: 8 with the
   * multi-buffer addon (it hashes eight at once; fewer go through node:crypto), else 1.
   */
  readonly sha1Batch: number;
  readonly #sha1x8: string | null;
  /** Read-hash jobs on the addon's own threads (native-reader.ts); null without the addon or with nativeThreads 0. */
  readonly native: NativeReader | null;

  constructor(opts: HashPoolOptions = {}) {
    this.threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), 64));
    const file = opts.sha1x8 === undefined ? findSha1x8() : opts.sha1x8;
    const native = loadSha1x8(file);
    this.#sha1x8 = native ? file : null;
    this.sha1Batch = native ? SHA1X8_LANES : 1;
    const nativeThreads = Math.max(0, Math.min(opts.nativeThreads ?? this.threads, 64));
    this.native = native && nativeThreads > 0 ? new NativeReader(native, nativeThreads) : null;
    this.mainOps = opts.mainThread ? mainThreadOps(fs, createHash, native) : null;
    this.lanes = this.threads + (this.mainOps ? 1 : 0);
  }

  sha1(data: Uint8Array): Promise<Uint8Array> {
    return this.run('sha1', data);
  }

  sha256(data: Uint8Array): Promise<Uint8Array> {
    return this.run('sha256', data);
  }

  /** SHA-1 of each pieceLength slice of `data` (the last may be short), concatenated 20-byte digests. */
  sha1Pieces(data: Uint8Array, pieceLength: number): Promise<Uint8Array> {
    return this.run('sha1-pieces', data, pieceLength);
  }

  /** SHA-256 of each 16 KiB block (the last may be short), concatenated 32-byte digests. */
  sha256Blocks(data: Uint8Array): Promise<Uint8Array> {
    return this.run('sha256-blocks', data);
  }

  /**
   * Reads a chunk and hashes it: SHA-1 per pieceLength slice of the whole chunk if `sha1`, and
   * 16 KiB SHA-256 leaves per segment that asks. On a thread of the addon's when it fits
   * (native-reader.ts), else in a worker (pread into the worker's own buffer).
   */
  readHash(segs: ReadSegment[], pieceLength: number, sha1: boolean): Promise<ReadHashResult> {
    if (this.closed) return Promise.reject(new TesseraError('ABORTED', 'hash pool closed'));
    if (this.native?.fits(segs, pieceLength, sha1)) return this.native.readHash(segs, pieceLength, sha1);
    return this.post<ReadHashResult>('read-hash', { segs, pieceLength, sha1 }, pieceLength);
  }

  /**
   * Starts every worker now (a worker takes tens of ms to boot), e.g. while files are listed.
   * `readsOnly`: the caller will only read and hash files, which with the addon needs no worker.
   */
  warm(readsOnly = false): void {
    if (this.closed || (readsOnly && this.native)) return;
    while (this.slots.length < this.threads) this.spawn().worker.unref();
  }

  /** warm(), then resolves once every worker runs (tests, benchmarks). */
  async ready(): Promise<void> {
    this.warm();
    await Promise.all(this.slots.map((s) => s.online ? undefined : new Promise<void>((resolve) => {
      this.awaited.add(s);
      s.worker.ref(); // an unref'd booting worker would let the process end while we wait
      const done = (): void => {
        this.awaited.delete(s);
        if (s.inflight.size === 0) s.worker.unref();
        resolve();
      };
      s.worker.once('online', done);
      s.worker.once('exit', done);
    })));
  }

  /** Jobs queued or running. */
  get pending(): number {
    let n = this.queue.length;
    for (const s of this.slots) n += s.inflight.size;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.native?.close();
    const err = new TesseraError('ABORTED', 'hash pool closed');
    for (const j of this.queue) j.reject(err);
    this.queue = [];
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map(async (s) => {
      for (const j of s.inflight.values()) j.reject(err);
      s.inflight.clear();
      s.worker.unref();
      await s.worker.terminate();
    }));
  }

  private run(op: HashOp, data: Uint8Array, pieceLength?: number): Promise<Uint8Array> {
    return this.post<Uint8Array>(op, pieceLength === undefined ? { data } : { data, pieceLength }, pieceLength);
  }

  private post<T>(op: HashOp, msg: Record<string, unknown>, pieceLength: number | undefined): Promise<T> {
    if (this.closed) return Promise.reject(new TesseraError('ABORTED', 'hash pool closed'));
    if (pieceLength !== undefined && (!Number.isSafeInteger(pieceLength) || pieceLength <= 0)) {
      return Promise.reject(new TesseraError('BAD_ARGUMENT', `bad piece length ${pieceLength}`));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = { id: this.nextId++, op, msg, resolve: resolve as (r: never) => void, reject };
      this.queue.push(job);
      this.pump();
    });
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { sha1x8: this.#sha1x8 } });
    const slot: Slot = { worker, inflight: new Map(), online: false };
    worker.once('online', () => { slot.online = true; this.pump(); });
    worker.on('message', (msg: { id: number; result?: never; error?: string }) => {
      const job = slot.inflight.get(msg.id);
      if (!job) return;
      slot.inflight.delete(msg.id);
      if (msg.error !== undefined || msg.result === undefined) job.reject(new TesseraError('IO_ERROR', msg.error ?? 'hash worker: no result'));
      else job.resolve(msg.result);
      this.pump();
    });
    const die = (e: unknown): void => {
      this.slots = this.slots.filter((s) => s !== slot);
      for (const j of slot.inflight.values()) j.reject(new TesseraError('IO_ERROR', 'hash worker died', { cause: e }));
      slot.inflight.clear();
      this.pump();
    };
    worker.on('error', die);
    worker.on('exit', (code) => { if (this.slots.includes(slot)) die(new Error(`exit ${code}`)); });
    this.slots.push(slot);
    return slot;
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let best: Slot | undefined;
      for (const s of this.slots) {
        if (s.inflight.size < PER_WORKER && (s.online || !this.mainOps) && (!best || s.inflight.size < best.inflight.size)) best = s;
      }
      if ((!best || best.inflight.size > 0) && this.slots.length < this.threads) {
        const slot = this.spawn();
        if (!this.mainOps) best = slot;
      }
      if (!best) break;
      const job = this.queue.shift() as Job;
      best.inflight.set(job.id, job);
      best.worker.ref();
      // SharedArrayBuffer views travel without a copy; other buffers are cloned (the caller keeps theirs).
      best.worker.postMessage({ ...job.msg, id: job.id, op: job.op });
    }
    for (const s of this.slots) if (s.inflight.size === 0 && !this.awaited.has(s)) s.worker.unref();
    if (this.mainOps && this.queue.length > 0 && !this.mainScheduled && !this.closed) {
      this.mainScheduled = true;
      setImmediate(() => this.runOnMain());
    }
  }

  /** One queued job on this thread, then back to the event loop (worker replies, new jobs). */
  private runOnMain(): void {
    this.mainScheduled = false;
    const job = this.closed ? undefined : this.queue.shift();
    if (job && this.mainOps) {
      this.mainLaneJobs++;
      try {
        job.resolve(this.mainOps({ ...job.msg, op: job.op }).result as never);
      } catch (e) {
        job.reject(new TesseraError('IO_ERROR', e instanceof Error ? e.message : String(e)));
      }
    }
    this.pump();
  }
}

