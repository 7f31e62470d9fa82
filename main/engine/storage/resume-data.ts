// Resume data: what a restart needs to continue a torrent without re-hashing it.
//
// Ordering — correctness never depends on timing:
//   1. blocks are written to disk (FsStore.write);
//   2. the piece is hashed and marked verified in memory (picker.onPieceVerified), and its index
//      is appended to the piece journal (piece-journal.ts) — no fsync, so this is cheap;
//   3. a flush (every few seconds, and on close) runs FsStore.sync() (fdatasync of every file
//      written since the last flush) and only then writes this record atomically
//      (writeFileAtomic). So every piece in a saved `have` is durable on disk.
// On load:
//   - pieces in the saved `have` are trusted, except those touching a file that changed behind
//     our back (reconcileResume below): those are re-checked;
//   - pieces in the journal but not in `have` (verified after the last flush, before a crash)
//     are re-checked — at most a few seconds' worth, never the whole torrent;
//   - everything else is missing and will be downloaded.
//
// Detecting outside changes: we never write into a verified piece, so once a file's every piece
// is verified, our own writes stop touching it. The record keeps, per file, its size always and
// its mtime only when the file was complete at flush time. A different size (truncated, replaced,
// deleted) or, for a complete file, a different mtime marks that file's verified pieces for
// re-check. A file still being downloaded has a newer mtime after any crash; that is expected and
// does not cost a re-hash (its verified pieces were fsynced before the record named them, and we
// never rewrite them). Its size is still checked (FsStore creates files at full length).

import { readFile } from 'node:fs/promises';
import { Bitfield } from '../wire/bitfield.ts';
import type { PieceMap } from './piece-map.ts';
import type { FileStat } from './fs-store.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { isCode } from './handle-cache.ts';
import { TesseraError } from '../errors.ts';

export const RESUME_VERSION = 1;

/** Per file at flush time: null = absent (or padding); mtimeMs null = not complete, mtime not meaningful. */
export type ResumeFileState = { size: number; mtimeMs: number | null } | null;

export interface ResumeData {
  version: typeof RESUME_VERSION;
  /** Lowercase hex info-hash (v1, else v2). */
  infoHash: string;
  savePath: string;
  pieceCount: number;
  /** Verified pieces only (BEP 3 bitfield bytes). */
  have: Uint8Array;
  /** Per file 0..3 (skip, low, normal, high). */
  filePriorities: number[];
  files: ResumeFileState[];
  uploaded: number;
  downloaded: number;
  /** Unix ms. */
  addedAt: number;
  paused: boolean;
}

export interface ResumeFile {
  length: number;
  padding: boolean;
}

/** Per-file state to save with a `have` bitfield: mtime only for files whose every piece is verified. */
export function fileStatesForResume(
  files: readonly ResumeFile[],
  pieceMap: PieceMap,
  have: Bitfield,
  stats: ReadonlyArray<FileStat | null>,
): ResumeFileState[] {
  return files.map((f, i) => {
    const st = stats[i];
    if (f.padding || !st) return null;
    const { first, last } = pieceMap.filePieceRange(i);
    let complete = true;
    for (let p = first; p <= last && complete; p++) complete = have.get(p);
    return { size: st.size, mtimeMs: complete ? st.mtimeMs : null };
  });
}

export interface Reconciled {
  /** Pieces to trust as verified without hashing. */
  have: Bitfield;
  /** Pieces that were in the saved `have` but touch a changed file: hash them before trusting. */
  recheck: number[];
}

/**
 * Compare the saved file states with the disk now; distrust pieces of files that changed. Pieces
 * named by the journal (verified after the last flush) but not in the saved `have` are re-checked.
 */
export function reconcileResume(
  resume: ResumeData,
  files: readonly ResumeFile[],
  pieceMap: PieceMap,
  now: ReadonlyArray<FileStat | null>,
  journal: readonly number[] = [],
): Reconciled {
  if (resume.pieceCount !== pieceMap.pieceCount || resume.files.length !== files.length) {
    throw new TesseraError('RESUME_INVALID', 'resume data does not match this torrent');
  }
  const have = new Bitfield(pieceMap.pieceCount, Uint8Array.from(resume.have));
  const recheck = new Set<number>();
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as ResumeFile;
    if (f.padding || f.length === 0) continue;
    const saved = resume.files[i] ?? null;
    const cur = now[i] ?? null;
    const changed =
      saved === null
        ? cur !== null // absent then (its bytes, if any, were in the part file); created since
        : cur === null || cur.size !== saved.size || (saved.mtimeMs !== null && cur.mtimeMs !== saved.mtimeMs);
    if (!changed) continue;
    const { first, last } = pieceMap.filePieceRange(i);
    for (let p = first; p <= last; p++) {
      if (have.get(p)) {
        have.clear(p);
        recheck.add(p);
      }
    }
  }
  for (const p of journal) {
    if (Number.isInteger(p) && p >= 0 && p < pieceMap.pieceCount && !have.get(p)) recheck.add(p);
  }
  return { have, recheck: [...recheck].sort((a, b) => a - b) };
}

export function encodeResume(d: ResumeData): string {
  return JSON.stringify({ ...d, have: Buffer.from(d.have).toString('base64') });
}

/** Parse and validate (the file may be truncated by a disk error or edited by hand). */
export function decodeResume(text: string): ResumeData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TesseraError('RESUME_INVALID', 'resume data is not JSON', { cause: err });
  }
  const bad = (why: string): never => {
    throw new TesseraError('RESUME_INVALID', `resume data: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) return bad('not an object');
  const o = raw as Record<string, unknown>;
  if (o['version'] !== RESUME_VERSION) bad(`unsupported version ${String(o['version'])}`);
  const str = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : bad(`${k} missing`));
  const num = (k: string): number => {
    const v = o[k];
    return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : bad(`${k} is not a count`);
  };
  const pieceCount = num('pieceCount');
  const have = Buffer.from(str('have'), 'base64');
  if (have.length !== Math.ceil(pieceCount / 8)) bad('have bitfield has the wrong size');
  const prios = Array.isArray(o['filePriorities']) ? (o['filePriorities'] as unknown[]) : bad('filePriorities missing');
  const filePriorities = prios.map((p) => (typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 3 ? p : bad('bad priority')));
  const fileList = Array.isArray(o['files']) ? (o['files'] as unknown[]) : bad('files missing');
  const files = fileList.map((f): ResumeFileState => {
    if (f === null) return null;
    if (typeof f !== 'object') return bad('bad file entry');
    const e = f as Record<string, unknown>;
    const size = e['size'];
    const mtimeMs = e['mtimeMs'];
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return bad('bad file size');
    if (mtimeMs !== null && (typeof mtimeMs !== 'number' || !Number.isFinite(mtimeMs))) return bad('bad file mtime');
    return { size, mtimeMs };
  });
  if (typeof o['paused'] !== 'boolean') bad('paused missing');
  return {
    version: RESUME_VERSION,
    infoHash: str('infoHash'),
    savePath: str('savePath'),
    pieceCount,
    // Spare bits cleared by Bitfield, so a hand-edited file cannot claim pieces past the end.
    have: new Bitfield(pieceCount, new Uint8Array(have)).bytes,
    filePriorities,
    files,
    uploaded: num('uploaded'),
    downloaded: num('downloaded'),
    addedAt: num('addedAt'),
    paused: o['paused'] as boolean,
  };
}

export async function saveResume(file: string, d: ResumeData): Promise<void> {
  await writeFileAtomic(file, encodeResume(d));
}

/** null when there is no resume file; throws RESUME_INVALID when it is unreadable (do a full check). */
export async function loadResume(file: string): Promise<ResumeData | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isCode(err, 'ENOENT')) return null;
    throw new TesseraError('IO_ERROR', `could not read ${file}`, { cause: err });
  }
  return decodeResume(text);
}
