// Per-file priorities (what the user sets) to per-piece priorities (what the picker uses). Pure.
// A piece shared by several files gets the highest of their priorities, so a wanted file is never
// starved by a skipped neighbour; a piece that only touches padding or skipped files is skipped.

import type { FilePriority } from '../../../shared/snapshot.ts';
import type { PieceMap } from '../storage/piece-map.ts';
import { TesseraError } from '../errors.ts';
import type { Priority } from './picker.ts';

const BY_NAME: Record<FilePriority, Priority> = { skip: 0, low: 1, normal: 2, high: 3 };
const NAMES: readonly FilePriority[] = ['skip', 'low', 'normal', 'high'];

export function priorityFromName(name: FilePriority): Priority {
  return BY_NAME[name];
}

/** Indices of the files the user skipped (the store keeps their shared-piece bytes in the part file). */
export function skippedFiles(priorities: readonly FilePriority[]): Set<number> {
  const s = new Set<number>();
  priorities.forEach((p, i) => { if (p === 'skip') s.add(i); });
  return s;
}

export function priorityName(p: number): FilePriority {
  return NAMES[Math.max(0, Math.min(3, p))] as FilePriority;
}

export interface PrioritisedFile {
  length: number;
  padding: boolean;
}

/** O(files + pieces). `filePriorities[i]` is 0..3 for files[i]; padding files are always 0. */
export function piecePriorities(
  files: readonly PrioritisedFile[],
  pieceMap: PieceMap,
  filePriorities: ArrayLike<number>,
): Uint8Array {
  if (filePriorities.length !== files.length) {
    throw new TesseraError('BAD_ARGUMENT', `${filePriorities.length} priorities for ${files.length} files`);
  }
  const out = new Uint8Array(pieceMap.pieceCount);
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as PrioritisedFile;
    const prio = Math.max(0, Math.min(3, Math.trunc(filePriorities[i] ?? 0)));
    if (f.padding || f.length === 0 || prio === 0) continue;
    const { first, last } = pieceMap.filePieceRange(i);
    for (let p = first; p <= last; p++) if ((out[p] ?? 0) < prio) out[p] = prio;
  }
  return out;
}
