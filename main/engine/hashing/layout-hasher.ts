// Streams a byte layout (files end to end, with zero-filled pad files or gaps) through the hash
// pool: large sequential reads into a few SharedArrayBuffers (bounded read-ahead: `depth` chunks
// at most are read but not yet hashed), v1 piece SHA-1s over whole chunks (one message per chunk,
// not per piece) and/or v2 16 KiB-block SHA-256s per file segment. Used by create and verify.
import { open, type FileHandle } from 'node:fs/promises';
import { TesseraError } from '../errors.ts';
import type { HashPool } from './hash-pool.ts';

export interface LayoutEntry {
  /** File to read, or null for zeros (BEP 47 pad file, v2 alignment gap). */
  abs: string | null;
  /** Bytes this entry occupies in the layout. */
  length: number;
  /** Bytes actually present on disk (verify: a short or missing file reads as zeros past this). */
  available?: number;
  /** Compute v2 block hashes for this entry. */
  blocks?: boolean;
}

export interface LayoutHashOptions {
  pieceLength: number;
  /** Compute v1 SHA-1 piece hashes over the whole layout. */
  sha1: boolean;
  /** Bytes per read (rounded to a multiple of the piece length). Default 8 MiB. */
  chunkSize?: number;
  /** Chunks read ahead of the hashing. Default 2 per pool thread. */
  depth?: number;
  signal?: AbortSignal;
  /** Called as chunks finish hashing, with the layout bytes done so far. */
  onProgress?: (doneBytes: number) => void;
  onPieces?: (firstPiece: number, digests: Uint8Array) => void;
  onBlocks?: (entryIndex: number, firstBlock: number, digests: Uint8Array) => void;
}

export const BLOCK = 16384;

export async function hashLayout(pool: HashPool, entries: readonly LayoutEntry[], o: LayoutHashOptions): Promise<void> {
  const pl = o.pieceLength;
  const wantBlocks = entries.some((e) => e.blocks);
  if (wantBlocks && pl % BLOCK !== 0) throw new TesseraError('BAD_ARGUMENT', 'v2 piece length must be a multiple of 16 KiB');
  const chunk = Math.max(1, Math.floor((o.chunkSize ?? 8 * 1024 * 1024) / pl)) * pl;
  const depth = Math.max(2, o.depth ?? pool.threads * 2);
  const total = entries.reduce((s, e) => s + e.length, 0);
  const starts: number[] = [];
  let acc = 0;
  for (const e of entries) { starts.push(acc); acc += e.length; }

  const free: Uint8Array[] = [];
  let allocated = 0;
  const waiters: Array<() => void> = [];
  const release = (b: Uint8Array): void => { free.push(b); waiters.shift()?.(); };
  const acquire = async (): Promise<Uint8Array> => {
    while (true) {
      const b = free.pop();
      if (b) return b;
      if (allocated < depth) { allocated++; return new Uint8Array(new SharedArrayBuffer(Math.min(chunk, Math.max(total, 1)))); }
      await new Promise<void>((r) => waiters.push(r));
    }
  };

  let failure: unknown = null;
  const inflight = new Set<Promise<void>>();
  let done = 0;
  let fh: FileHandle | null = null;
  let fhIndex = -1;
  let entry = 0; // first entry overlapping the current chunk

  try {
    for (let pos = 0; pos < total; pos += chunk) {
      if (o.signal?.aborted) throw new TesseraError('ABORTED', 'cancelled');
      if (failure) throw failure;
      const len = Math.min(chunk, total - pos);
      const buf = await acquire();
      if (failure) { release(buf); throw failure; }
      const view = buf.subarray(0, len);
      const segs: Array<{ i: number; at: number; off: number; n: number }> = [];
      while (entry < entries.length && (starts[entry] as number) + (entries[entry] as LayoutEntry).length <= pos) entry++;
      for (let i = entry; i < entries.length && (starts[i] as number) < pos + len; i++) {
        const e = entries[i] as LayoutEntry;
        const a = Math.max(pos, starts[i] as number);
        const b = Math.min(pos + len, (starts[i] as number) + e.length);
        if (b <= a) continue;
        const off = a - (starts[i] as number);
        const at = a - pos;
        const n = b - a;
        segs.push({ i, at, off, n });
        const avail = e.abs === null ? 0 : Math.max(0, Math.min(n, (e.available ?? e.length) - off));
        if (avail > 0) {
          if (fhIndex !== i) {
            await fh?.close();
            fh = null;
            fh = await open(e.abs as string, 'r');
            fhIndex = i;
          }
          let got = 0;
          while (got < avail) {
            const r = await (fh as FileHandle).read(view, at + got, avail - got, off + got);
            if (r.bytesRead === 0) break;
            got += r.bytesRead;
          }
          if (got < avail && e.available === undefined) {
            throw new TesseraError('IO_ERROR', `${e.abs}: file shrank while being read`);
          }
          if (got < n) view.fill(0, at + got, at + n);
        } else {
          view.fill(0, at, at + n);
        }
      }
      const jobs: Promise<void>[] = [];
      if (o.sha1) {
        const first = pos / pl;
        jobs.push(pool.sha1Pieces(view, pl).then((d) => o.onPieces?.(first, d)));
      }
      for (const s of segs) {
        const e = entries[s.i] as LayoutEntry;
        if (!e.blocks) continue;
        const firstBlock = s.off / BLOCK;
        jobs.push(pool.sha256Blocks(view.subarray(s.at, s.at + s.n)).then((d) => o.onBlocks?.(s.i, firstBlock, d)));
      }
      const p: Promise<void> = Promise.all(jobs).then(
        () => { done += len; o.onProgress?.(done); },
        (err: unknown) => { failure ??= err; },
      ).finally(() => { inflight.delete(p); release(buf); });
      inflight.add(p);
    }
    await Promise.all(inflight);
    if (failure) throw failure;
    if (o.signal?.aborted) throw new TesseraError('ABORTED', 'cancelled');
  } finally {
    await Promise.allSettled(inflight);
    await (fh as FileHandle | null)?.close();
  }
}
