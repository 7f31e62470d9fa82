// The sizes (and mtimes) of many files at once: verify and create stat every file a torrent lists
// before anything is read, and the engine every file of a torrent when it is added, checked or
// its resume data saved. Batches of synchronous stats grow while each blocks for under 2 ms and
// shrink past 10 ms, with a turn of the event loop between, so the engine thread keeps serving
// its peers, on a slow network file system too (see fs-turns.ts). A promise per file instead —
// Promise.all over fs/promises' stat — took 1.6 s for 50,000 files here (2.5 s when they are
// missing: an Error with a stack trace each), against ~0.2 s. The price: a stat that never
// returns (a dead network mount) holds this thread, where a promise would have held one of
// libuv's four pool threads — and the next three such stats the rest of its file I/O.
// fileSizes goes through the addon when it is loaded — one call per batch (native-reader.ts;
// Node's statSync costs ~7 µs a file here, its JS wrapper and a Stats object, against ~2.6 µs for
// the stat itself) — else statSync file by file.
import { statSync } from 'node:fs';
import { TesseraError } from '../errors.ts';

/** What the addon offers (NativeReader.statFiles). */
export interface BatchStat { statFiles(paths: string[]): Float64Array }

export interface FileStat { size: number; mtimeMs: number }

/** Calls `step(from, to)` over [0, n) in adaptive batches with a turn of the event loop between. */
async function inBatches(n: number, step: (from: number, to: number) => void): Promise<void> {
  let batch = 16;
  for (let i = 0; i < n;) {
    const end = Math.min(i + batch, n);
    const started = performance.now();
    step(i, end);
    i = end;
    const ms = performance.now() - started;
    batch = ms < 2 ? Math.min(batch * 2, 1024) : ms > 10 ? Math.max(batch >> 1, 1) : batch;
    if (i < n) await new Promise<void>((go) => setImmediate(go));
  }
}

/** Each path's size when it is a regular file (links followed), else -1. */
export async function fileSizes(paths: readonly string[], native: BatchStat | null): Promise<Float64Array> {
  const out = new Float64Array(paths.length);
  await inBatches(paths.length, (from, to) => {
    if (native) out.set(native.statFiles(paths.slice(from, to)), from);
    else for (let k = from; k < to; k++) out[k] = stat(paths[k] as string, false)?.size ?? -1;
  });
  return out;
}

/**
 * Size and mtime of each path that is a regular file (links followed); null for an undefined path
 * (a padding file), a missing one or one that is not a regular file. Other failures (permission
 * denied, an I/O error) throw an IO_ERROR when `strict`, else read as null too.
 */
export async function fileStats(paths: ReadonlyArray<string | undefined>, strict: boolean): Promise<Array<FileStat | null>> {
  const out = new Array<FileStat | null>(paths.length).fill(null);
  await inBatches(paths.length, (from, to) => {
    for (let k = from; k < to; k++) {
      const p = paths[k];
      if (p !== undefined) out[k] = stat(p, strict);
    }
  });
  return out;
}

function stat(p: string, strict: boolean): FileStat | null {
  try {
    // throwIfNoEntry: a missing file is the common case here (a torrent just added), and an Error
    // with its stack trace costs more than the stat.
    const s = statSync(p, { throwIfNoEntry: false });
    return s?.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a path through a file; a NUL names no file.
    if (!strict || code === 'ENOTDIR' || code === 'ERR_INVALID_ARG_VALUE') return null;
    throw new TesseraError('IO_ERROR', `stat ${p}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
