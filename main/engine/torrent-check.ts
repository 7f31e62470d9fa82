// Hash pieces already on disk (first start without resume data, files changed since the resume
// data was written, or a user recheck), keeping a few jobs in flight so every hash lane stays
// busy. v1 pieces are read by the hash workers themselves, a run of consecutive pieces per job
// (as `tessera verify` does): page-aligned reads, no copy between threads, nothing on the engine
// thread but the dispatch — half the time of reading each piece here and sending it over (1 GiB:
// 0.41-0.51 s instead of 0.72-1.44 s). Pieces checked against BEP 52 merkle trees too: the workers
// return their 16 KiB leaf hashes and only each piece's small tree is built here. Without
// diskSegments (or when a run cannot be read) pieces are read here, one by one. A missing or short
// file just means its pieces are not there. With the addon, all of it is one call on the addon's
// threads instead (checkNatively).
import type { HashPool, ReadSegment } from './hashing/hash-pool.ts';
import type { NativeReader } from './hashing/native-reader.ts';
import { DEFAULT_CHUNK } from './hashing/layout-hasher.ts';
import type { PieceMap } from './storage/piece-map.ts';
import { Bitfield } from './wire/bitfield.ts';

export interface CheckStore {
  readPiece(piece: number): Promise<Uint8Array>;
  /** Where a run of pieces lies on disk, for a worker to read (FsStore.diskSegments); null: not all written. */
  diskSegments?(first: number, count: number): Promise<ReadSegment[] | null>;
  /** Per file: its size on disk, or null when absent (FsStore.existingFiles). */
  existingFiles?(): Promise<Array<{ size: number } | null>>;
}

const IN_FLIGHT = 4;
/** Bytes per worker job: as create and verify (layout-hasher's DEFAULT_CHUNK). */
const RUN_BYTES = DEFAULT_CHUNK;

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
 * The BEP 52 check of a piece (v2, hybrid): from its bytes, or from its 16 KiB leaf hashes, which
 * the hash workers compute where they read the data (the engine thread then only builds the tree).
 */
export interface MerkleCheck {
  data(piece: number, data: Uint8Array): boolean;
  leaves(piece: number, leaves: Uint8Array): boolean;
}

/**
 * Returns the pieces among `pieces` whose data on disk matches its hash, and how many were read and
 * hashed. `hashes`: SHA-1 piece hashes (v1, hybrid); `merkle`: the BEP 52 check (v2, hybrid: both must pass).
 */
export async function checkPieces(store: CheckStore, pool: HashPool, hashes: Uint8Array | undefined, map: PieceMap,
  fileLengths: readonly number[], pieces: number[], aborted: () => boolean,
  merkle?: MerkleCheck): Promise<{ good: number[]; hashed: number }> {
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
  const checkRead = async (p: number): Promise<void> => {
    let data: Uint8Array;
    try {
      data = await store.readPiece(p);
    } catch {
      return;
    }
    hashed++;
    let ok = hashes !== undefined || merkle !== undefined;
    if (hashes !== undefined) {
      const d = await pool.sha1(data);
      ok = d.length === 20;
      for (let i = 0; ok && i < 20; i++) if (d[i] !== hashes[p * 20 + i]) ok = false;
    }
    if (ok && merkle !== undefined) ok = merkle.data(p, data);
    if (ok) good.push(p);
  };
  // A worker reads and hashes the whole run; if it cannot (a file vanished), piece by piece here.
  const checkRun = async (run: number[], v1: Uint8Array): Promise<void> => {
    const first = run[0] as number;
    const segs = await store.diskSegments?.(first, run.length).catch(() => null);
    const digests = segs ? await pool.readHash(segs, map.pieceLength, true).then((r) => r.pieces, () => null) : null;
    if (digests === null || digests.length !== run.length * 20) {
      for (const p of run) if (!aborted()) await checkRead(p);
      return;
    }
    hashed += run.length;
    run.forEach((p, k) => {
      for (let i = 0; i < 20; i++) if (digests[k * 20 + i] !== v1[p * 20 + i]) return;
      good.push(p);
    });
  };
  // v2 and hybrid pieces: a job reads a run piece by piece (diskSegments of each, so a piece's own
  // data is its first segment) and returns each data segment's leaves, plus the SHA-1 piece hashes
  // of a hybrid; the tree of each piece is built here from its leaves.
  const checkMerkleRun = async (run: number[], m: MerkleCheck): Promise<void> => {
    const segs: ReadSegment[] = [];
    const firstSeg: number[] = [];
    for (const p of run) {
      const own = await store.diskSegments?.(p, 1).catch(() => null);
      if (!own) { segs.length = 0; break; }
      firstSeg.push(segs.length);
      for (const g of own) segs.push({ ...g, blocks: g.path !== null });
    }
    const r = segs.length > 0 ? await pool.readHash(segs, map.pieceLength, hashes !== undefined).catch(() => null) : null;
    if (r === null || (hashes !== undefined && r.pieces?.length !== run.length * 20)) {
      for (const p of run) if (!aborted()) await checkRead(p);
      return;
    }
    hashed += run.length;
    run.forEach((p, k) => {
      if (hashes !== undefined) {
        for (let i = 0; i < 20; i++) if (r.pieces?.[k * 20 + i] !== hashes[p * 20 + i]) return;
      }
      if (m.leaves(p, r.blocks[firstSeg[k] as number] ?? new Uint8Array(0))) good.push(p);
    });
  };
  const inWorkers = store.diskSegments !== undefined && (merkle !== undefined || hashes !== undefined);
  if (inWorkers && pool.native && candidates.length > 0) {
    const done = await checkNatively(pool.native, store, map, candidates, hashes, merkle, aborted);
    if (done) return done;
  }
  const runLength = Math.max(merkle === undefined ? pool.sha1Batch : 1, Math.floor(RUN_BYTES / map.pieceLength));
  const runs = inWorkers ? consecutiveRuns(candidates, runLength) : candidates.map((p) => [p]);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length && !aborted()) {
      const run = runs[next++] as number[];
      if (!inWorkers) await checkRead(run[0] as number);
      else if (merkle !== undefined) await checkMerkleRun(run, merkle);
      else await checkRun(run, hashes as Uint8Array);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { good, hashed };
}

/**
 * With the addon: every candidate piece's segments end to end in one call on its threads
 * (native-reader.ts), which hashes them with no hand-off to this thread between runs (1 GiB of
 * v1: 0.42-0.46 s as one job per 8 MiB run, 0.29-0.33 s on the workers, ~0.25 s as one call).
 * Each piece is a whole piece length of the layout but the torrent's last, so with the pieces in
 * order the pieces of the call are the pieces checked. Null when a piece is not all on disk, the
 * layout does not fit the addon, or the read fails: the caller then checks run by run.
 */
async function checkNatively(native: NativeReader, store: CheckStore, map: PieceMap, candidates: readonly number[],
  hashes: Uint8Array | undefined, merkle: MerkleCheck | undefined, aborted: () => boolean): Promise<{ good: number[]; hashed: number } | null> {
  // In order and once each: the short last piece, if there, must end the layout.
  const pieces = [...new Set(candidates)].sort((a, b) => a - b);
  const segs: ReadSegment[] = [];
  const firstSeg: number[] = [];
  const pl = map.pieceLength;
  for (const run of consecutiveRuns(pieces, merkle ? 1 : Number.MAX_SAFE_INTEGER)) {
    // v2 and hybrid: each piece on its own, so its data is its first segment and gets leaves.
    const first = run[0] as number;
    const own = await store.diskSegments?.(first, run.length).catch(() => null);
    if (!own) return null;
    firstSeg.push(segs.length);
    for (const g of own) segs.push(merkle ? { ...g, blocks: g.path !== null } : g);
    // A v2 piece that ends a file has no bytes for the rest of its length (the gap before the next
    // file): zeros keep the next piece of the call at its boundary.
    const length = Math.min(run.length * pl, map.totalLength - first * pl);
    const got = own.reduce((t, g) => t + g.len, 0);
    if (got < length) segs.push({ path: null, pos: 0, len: length - got, avail: 0, blocks: false, strict: false });
  }
  const sha1 = hashes !== undefined;
  if (!native.fits(segs, pl, sha1)) return null;
  const r = await native.hashSegments(segs, pl, { sha1, stop: aborted }).catch(() => null);
  if (r === null || (sha1 && r.pieces?.length !== pieces.length * 20)) return null;
  const good: number[] = [];
  pieces.forEach((p, k) => {
    if (hashes !== undefined) {
      for (let i = 0; i < 20; i++) if (r.pieces?.[k * 20 + i] !== hashes[p * 20 + i]) return;
    }
    if (merkle && !merkle.leaves(p, r.blocks[firstSeg[k] as number] ?? new Uint8Array(0))) return;
    good.push(p);
  });
  return { good, hashed: pieces.length };
}

/** Splits `pieces` into runs of consecutive indices, at most `max` long. */
export function consecutiveRuns(pieces: readonly number[], max: number): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  for (const p of pieces) {
    if (run.length > 0 && (run.length >= max || p !== (run[run.length - 1] as number) + 1)) {
      runs.push(run);
      run = [];
    }
    run.push(p);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
