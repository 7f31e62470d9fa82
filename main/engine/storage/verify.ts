// Checks data on disk against a torrent: every piece is hashed (v1/hybrid: SHA-1 pieces; v2:
// merkle leaves against the piece layers / pieces roots) and each file gets a verdict.
import { HashPool } from '../hashing/hash-pool.ts';
import { hashLayout, LeafCollector, type LayoutEntry } from '../hashing/layout-hasher.ts';
import { TesseraError } from '../errors.ts';
import { BLOCK, fileRoot, pieceLayer } from '../metainfo/merkle.ts';
import { fastPairs } from '../hashing/native-sha1.ts';
import { equalBytes, toHex } from '../metainfo/hex.ts';
import type { Metainfo } from '../metainfo/types.ts';
import { layoutLength, PieceMap } from './piece-map.ts';
import { safeJoin } from './safe-path.ts';
import { fileSizes } from './file-sizes.ts';

export type FileVerdict = 'ok' | 'missing' | 'wrong-size' | 'bad';

export interface FileReport {
  /** Index in meta.files. */
  index: number;
  path: string[];
  length: number;
  /** Size on disk; absent when missing. */
  actualLength?: number;
  status: FileVerdict;
  /** Pieces touching this file that failed the hash check. */
  badPieces: number;
}

export interface VerifyReport {
  ok: boolean;
  pieceCount: number;
  goodPieces: number;
  /** Indices of the pieces that failed, ascending. */
  badPieces: number[];
  /** Bytes of real data (padding excluded). */
  totalBytes: number;
  /** Non-padding files only. */
  files: FileReport[];
  missingFiles: number;
  wrongSizeFiles: number;
  badFiles: number;
}

/** Where a torrent's file lives under the download folder `dir` (multi-file torrents get a folder named after the torrent). */
export function filePath(meta: Metainfo, dir: string, index: number): string {
  const f = meta.files[index];
  if (!f) throw new TesseraError('BAD_ARGUMENT', `no file ${index}`);
  return safeJoin(dir, meta.multiFile ? [meta.name, ...f.path] : f.path);
}

export function pieceMapOf(meta: Metainfo): PieceMap {
  return new PieceMap(meta.files, meta.pieceLength, layoutLength(meta.files));
}

export async function verifyData(
  meta: Metainfo,
  dir: string,
  ctl: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; pool?: HashPool } = {},
): Promise<VerifyReport> {
  const pool = ctl.pool ?? new HashPool();
  pool.warm(true); // workers boot while the files are stat'ed (with the addon, none are needed)
  try {
    return await verify(meta, dir, ctl, pool);
  } finally {
    if (!ctl.pool) await pool.close();
  }
}

async function verify(
  meta: Metainfo,
  dir: string,
  ctl: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  pool: HashPool,
): Promise<VerifyReport> {
  const map = pieceMapOf(meta);
  const reports: FileReport[] = [];
  const entries: LayoutEntry[] = [];
  const v1 = meta.pieces !== undefined;
  let cursor = 0;
  const entryOf = new Map<number, number>();
  // Every listed file's size first, in batches (file-sizes.ts), then the layout to hash.
  const paths: string[] = [];
  for (let i = 0; i < meta.files.length; i++) if (!meta.files[i]!.padding) paths.push(filePath(meta, dir, i));
  const sizes = await fileSizes(paths, pool.native);
  let k = 0;
  for (let i = 0; i < meta.files.length; i++) {
    const f = meta.files[i]!;
    // v2 layouts have unlisted gaps up to each file's offset: zeros.
    if (f.offset > cursor && f.length > 0) { entries.push({ abs: null, length: f.offset - cursor }); cursor = f.offset; }
    if (f.padding) {
      entries.push({ abs: null, length: f.length });
      cursor += f.length;
      continue;
    }
    const abs = paths[k] as string;
    const size = sizes[k++] as number;
    const r: FileReport = { index: i, path: f.path, length: f.length, status: 'ok', badPieces: 0 };
    let available = 0;
    if (size < 0) r.status = 'missing';
    else {
      r.actualLength = size;
      available = Math.min(size, f.length);
      if (size !== f.length) r.status = 'wrong-size';
    }
    reports.push(r);
    entryOf.set(i, entries.length);
    entries.push({ abs: available > 0 ? abs : null, length: f.length, available, blocks: !v1 && f.length > 0 });
    cursor += f.length;
  }

  const bad = new Set<number>();
  const pl = meta.pieceLength;
  const total = entries.reduce((t, e) => t + e.length, 0);
  // Only whole pieces that hold bytes present on disk are read and hashed; every other piece is
  // bad without reading zeros for it (a partial download, or a torrent claiming more than exists).
  const ranges = rangesWithData(entries, pl, total);
  // v2: a file's leaves cover the pieces hashed, a prefix of the file (its bytes on disk, rounded up to whole pieces).
  const leaves = new LeafCollector(entries.map((e) => ({ ...e, length: hashedPrefix(e, pl) })));
  let next = 0; // first piece not yet accounted for
  for (const [a, b] of ranges) {
    for (; next < a / pl; next++) bad.add(next);
    const part = clipLayout(entries, a, b);
    await hashLayout(pool, part.entries, {
      pieceLength: pl,
      sha1: v1,
      ...(ctl.signal ? { signal: ctl.signal } : {}),
      onProgress: (done) => ctl.onProgress?.(a + done, total),
      onPieces: (first, d) => {
        const want = meta.pieces as Uint8Array;
        for (let k = 0; k * 20 < d.length; k++) {
          const p = a / pl + first + k;
          const got = d.subarray(k * 20, k * 20 + 20);
          const exp = want.subarray(p * 20, p * 20 + 20);
          for (let j = 0; j < 20; j++) if (got[j] !== exp[j]) { bad.add(p); break; }
        }
      },
      onBlocks: (sub, first, d) => {
        const from = part.from[sub] as { entry: number; offset: number };
        leaves.onBlocks(from.entry, from.offset / BLOCK + first, d);
      },
    });
    next = Math.ceil(b / pl);
  }
  for (; next < Math.ceil(total / pl); next++) bad.add(next);
  ctl.onProgress?.(total, total);
  if (!v1) checkV2(meta, entryOf, entries, leaves, bad);

  const byIndex = new Map(reports.map((r) => [r.index, r]));
  for (const p of bad) {
    for (const s of map.spans(p)) {
      const r = byIndex.get(s.fileIndex);
      if (r) r.badPieces++;
    }
  }
  for (const r of reports) if (r.status === 'ok' && r.badPieces > 0) r.status = 'bad';
  const badPieces = [...bad].sort((a, b) => a - b);
  const count = (v: FileVerdict): number => reports.filter((r) => r.status === v).length;
  return {
    ok: badPieces.length === 0 && reports.every((r) => r.status === 'ok'),
    pieceCount: meta.pieceCount,
    goodPieces: meta.pieceCount - badPieces.length,
    badPieces,
    totalBytes: reports.reduce((s, r) => s + r.length, 0),
    files: reports,
    missingFiles: count('missing'),
    wrongSizeFiles: count('wrong-size'),
    badFiles: count('bad'),
  };
}

/** v2-only: compare each file's hashed pieces (from its leaves) with the piece layer or pieces root; the rest were never read and are bad. */
function checkV2(meta: Metainfo, entryOf: Map<number, number>, entries: readonly LayoutEntry[], collected: LeafCollector, bad: Set<number>): void {
  const pl = meta.pieceLength;
  for (const [i, e] of entryOf) {
    const f = meta.files[i]!;
    if (f.length === 0 || !f.piecesRoot) continue;
    const first = f.offset / pl;
    const pieces = Math.ceil(f.length / pl);
    const hashed = Math.ceil(hashedPrefix(entries[e] as LayoutEntry, pl) / pl);
    for (let k = hashed; k < pieces; k++) bad.add(first + k);
    if (hashed === 0) continue;
    const leaves = collected.get(e);
    if (f.length <= pl) {
      if (!equalBytes(fileRoot(leaves, pl, fastPairs), f.piecesRoot)) bad.add(first);
      continue;
    }
    const want = meta.pieceLayers?.get(toHex(f.piecesRoot));
    const got = pieceLayer(leaves, pl, fastPairs);
    for (let k = 0; k < hashed; k++) {
      if (!want || !equalBytes(got.subarray(k * 32, k * 32 + 32), want.subarray(k * 32, k * 32 + 32))) bad.add(first + k);
    }
  }
}

/** Bytes of an entry that verify reads: its bytes on disk rounded up to whole pieces (all of it when that reaches its end). */
function hashedPrefix(e: LayoutEntry, pl: number): number {
  const have = e.abs === null ? 0 : Math.min(e.length, e.available ?? e.length);
  return have === 0 ? 0 : Math.min(e.length, Math.ceil(have / pl) * pl);
}

/**
 * The layout's byte ranges to hash, as [start, end) on piece boundaries: the whole pieces that
 * hold some entry's bytes on disk, merged. v2 files start on piece boundaries, so a v2 file's range
 * is the same prefix hashedPrefix() gives.
 */
export function rangesWithData(entries: readonly LayoutEntry[], pl: number, total: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = 0;
  for (const e of entries) {
    const have = e.abs === null ? 0 : Math.min(e.length, e.available ?? e.length);
    if (have > 0) {
      const a = Math.floor(at / pl) * pl;
      const b = Math.min(total, Math.ceil((at + have) / pl) * pl);
      const last = out[out.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else out.push([a, b]);
    }
    at += e.length;
  }
  return out;
}

/** The layout's bytes [a, b) as entries of their own, each with the entry and offset it comes from. */
export function clipLayout(entries: readonly LayoutEntry[], a: number, b: number): { entries: LayoutEntry[]; from: Array<{ entry: number; offset: number }> } {
  const out: LayoutEntry[] = [];
  const from: Array<{ entry: number; offset: number }> = [];
  let at = 0;
  for (const [i, e] of entries.entries()) {
    const s = Math.max(a, at);
    const t = Math.min(b, at + e.length);
    if (t > s || (e.length === 0 && at >= a && at < b)) {
      const offset = s - at;
      const part: LayoutEntry = { abs: e.abs, length: Math.max(0, t - s), offset: (e.offset ?? 0) + offset };
      if (e.available !== undefined) part.available = Math.max(0, Math.min(t - s, e.available - offset));
      if (e.blocks) part.blocks = true;
      out.push(part);
      from.push({ entry: i, offset });
    }
    at += e.length;
    if (at >= b) break;
  }
  return { entries: out, from };
}
