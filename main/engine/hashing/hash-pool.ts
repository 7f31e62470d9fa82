// A small pool of worker_threads hashing SHA-1/SHA-256 off the event loop (ARCHITECTURE.md:
// "hashing off the event loop"). Each worker keeps up to two jobs queued so it never idles
// between messages; idle workers are unref'd so they never keep the process alive.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { TesseraError } from '../errors.ts';
import { WORKER_SOURCE } from './worker-source.ts';

export type HashOp = 'sha1' | 'sha256' | 'sha1-pieces' | 'sha256-blocks';

interface Job {
  id: number;
  op: HashOp;
  data: Uint8Array;
  pieceLength?: number;
  resolve: (r: Uint8Array) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  inflight: Map<number, Job>;
}

const PER_WORKER = 2;

export class HashPool {
  readonly threads: number;
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: { threads?: number } = {}) {
    this.threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), 64));
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

  /** Jobs queued or running. */
  get pending(): number {
    let n = this.queue.length;
    for (const s of this.slots) n += s.inflight.size;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
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
    if (this.closed) return Promise.reject(new TesseraError('ABORTED', 'hash pool closed'));
    if (pieceLength !== undefined && (!Number.isSafeInteger(pieceLength) || pieceLength <= 0)) {
      return Promise.reject(new TesseraError('BAD_ARGUMENT', `bad piece length ${pieceLength}`));
    }
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, op, data, resolve, reject };
      if (pieceLength !== undefined) job.pieceLength = pieceLength;
      this.queue.push(job);
      this.pump();
    });
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    const slot: Slot = { worker, inflight: new Map() };
    worker.on('message', (msg: { id: number; result?: Uint8Array; error?: string }) => {
      const job = slot.inflight.get(msg.id);
      if (!job) return;
      slot.inflight.delete(msg.id);
      if (msg.error !== undefined || !msg.result) job.reject(new TesseraError('IO_ERROR', `hash worker: ${msg.error ?? 'no result'}`));
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
      for (const s of this.slots) if (s.inflight.size < PER_WORKER && (!best || s.inflight.size < best.inflight.size)) best = s;
      if ((!best || best.inflight.size > 0) && this.slots.length < this.threads) best = this.spawn();
      if (!best) break;
      const job = this.queue.shift() as Job;
      best.inflight.set(job.id, job);
      best.worker.ref();
      // SharedArrayBuffer views travel without a copy; other buffers are cloned (the caller keeps theirs).
      best.worker.postMessage({ id: job.id, op: job.op, data: job.data, pieceLength: job.pieceLength });
    }
    for (const s of this.slots) if (s.inflight.size === 0) s.worker.unref();
  }
}
