// The sizes of many files at once, for verify: every file a torrent lists is stat'ed before
// anything is read. Through the addon when it is loaded — one call per batch (native-reader.ts;
// Node's statSync costs ~7 µs a file here, its JS wrapper and a Stats object, against ~2.6 µs for
// the stat itself) — else statSync file by file. Batches grow while each blocks for under 2 ms and
// shrink past 10 ms, with a turn of the event loop between, so the engine thread that verifies for
// the app keeps serving its peers, on a slow network file system too (see fs-turns.ts).
import { statSync } from 'node:fs';

/** What the addon offers (NativeReader.statFiles). */
export interface BatchStat { statFiles(paths: string[]): Float64Array }

/** Each path's size when it is a regular file (links followed), else -1. */
export async function fileSizes(paths: readonly string[], native: BatchStat | null): Promise<Float64Array> {
  const out = new Float64Array(paths.length);
  let batch = 16;
  for (let i = 0; i < paths.length;) {
    const part = paths.slice(i, i + batch);
    const started = performance.now();
    if (native) out.set(native.statFiles(part), i);
    else for (let k = 0; k < part.length; k++) out[i + k] = sizeOf(part[k] as string);
    i += part.length;
    const ms = performance.now() - started;
    batch = ms < 2 ? Math.min(batch * 2, 1024) : ms > 10 ? Math.max(batch >> 1, 1) : batch;
    if (i < paths.length) await new Promise<void>((go) => setImmediate(go));
  }
  return out;
}

function sizeOf(p: string): number {
  try {
    const s = statSync(p);
    return s.isFile() ? s.size : -1;
  } catch {
    return -1; // missing, unreadable, or a path through a file
  }
}
