// Hash pieces already on disk (first start without resume data, files changed since the resume
// data was written, or a user recheck). Reads whole pieces and keeps a few hashes in flight so
// both hash workers stay busy while the next piece is read. A missing or short file just means
// its pieces are not there.
import type { HashPool } from './hashing/hash-pool.ts';
import type { PieceMap } from './storage/piece-map.ts';
import { Bitfield } from './wire/bitfield.ts';

export interface CheckStore {
  readPiece(piece: number): Promise<Uint8Array>;
  /** Per file: its size on disk, or null when absent (FsStore.existingFiles). */
  existingFiles?(): Promise<Array<{ size: number } | null>>;
}

const IN_FLIGHT = 4;

/**
 * Where a check starts: trust `have` (resume data) except the pieces in `recheck`; with no resume
 * data, hash every piece. `resumed`: pieces trusted without hashing (undefined without resume data).
 */
export function checkPlan(pieceCount: number, have: Uint8Array | undefined, recheck: Iterable<number> | undefined):
  { have: Bitfield; toCheck: number[]; resumed: number | undefined } {
  const n = pieceCount;
  const bf = have !== undefined && have.length === Math.ceil(n / 8) ? new Bitfield(n, Uint8Array.from(have)) : new Bitfield(n);
  if (have === undefined) {
    const toCheck: number[] = [];
    for (let i = 0; i < n; i++) toCheck.push(i);
    return { have: bf, toCheck, resumed: undefined };
  }
  const toCheck = [...(recheck ?? [])].filter((i) => i >= 0 && i < n);
  for (const i of toCheck) if (bf.get(i)) bf.clear(i);
  return { have: bf, toCheck, resumed: bf.count() };
}

/**
 * Returns the pieces among `pieces` whose data on disk matches its hash, and how many were read and
 * hashed. `hashes`: SHA-1 piece hashes (v1, hybrid); `merkle`: the BEP 52 check (v2, hybrid: both must pass).
 */
export async function checkPieces(store: CheckStore, pool: HashPool, hashes: Uint8Array | undefined, map: PieceMap,
  fileLengths: readonly number[], pieces: number[], aborted: () => boolean,
  merkle?: (piece: number, data: Uint8Array) => boolean): Promise<{ good: number[]; hashed: number }> {
  const good: number[] = [];
  let hashed = 0;
  // Skip pieces that touch a file which does not exist with its full size: no read, no hash.
  let present: Set<number> | undefined;
  if (store.existingFiles !== undefined) {
    try {
      const stats = await store.existingFiles();
      present = new Set<number>();
      stats.forEach((st, i) => { if (st !== null && st.size === fileLengths[i]) present?.add(i); });
    } catch { present = undefined; }
  }
  const candidates = present === undefined ? pieces : pieces.filter((p) =>
    map.spans(p).every((s) => s.padding || s.length === 0 || present.has(s.fileIndex)));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < candidates.length && !aborted()) {
      const p = candidates[next++] as number;
      let data: Uint8Array;
      try {
        data = await store.readPiece(p);
      } catch {
        continue;
      }
      hashed++;
      let ok = hashes !== undefined || merkle !== undefined;
      if (hashes !== undefined) {
        const d = await pool.sha1(data);
        ok = d.length === 20;
        for (let i = 0; ok && i < 20; i++) if (d[i] !== hashes[p * 20 + i]) ok = false;
      }
      if (ok && merkle !== undefined) ok = merkle(p, data);
      if (ok) good.push(p);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { good, hashed };
}
