// Finds and loads the optional native hashing addon (native/sha1x8.c: SHA-1 of eight pieces per
// call, ~1.8x node:crypto per core here; SHA-256 of many 16 KiB leaves or 64-byte merkle pairs,
// eight at a time), built by scripts/native-build.mjs into node_modules/.cache/tessera-native/.
// Absent, built for another interface version, or on a CPU with neither SHA-NI nor AVX2, it is
// null and the hash lanes use node:crypto. TESSERA_NO_NATIVE=1 turns it off (benchmarks compare both).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BLOCK, cryptoLeaves, cryptoPairs, type LeafHasher, type PairHasher } from '../metainfo/merkle.ts';

/** The interface version of sha1x8.c this code speaks (its `abi` export). */
export const SHA1X8_ABI = 4;
/** Lanes: pieces hashed per call. */
export const SHA1X8_LANES = 8;

export interface Sha1x8 {
  available: boolean;
  abi: number;
  /** The implementation in use: 'sha-ni' (four interleaved SHA-NI streams) or 'avx2' (eight lanes). */
  engine(): string;
  /** The implementations this CPU can run, best first. */
  engines: string[];
  /** Switches implementation process-wide (tests run each); false if this CPU cannot run it. */
  useEngine(name: string): boolean;
  init(state: Uint8Array): void;
  update(state: Uint8Array, data: Uint8Array, stride: number, len: number): void;
  final(state: Uint8Array, data: Uint8Array, stride: number, len: number, total: number): Uint8Array;
  /** SHA-256 of each `size`-byte slice of data (the last may be shorter), 32 bytes each, up to eight slices at a time. */
  sha256Chunks(data: Uint8Array, size: number): Uint8Array;
  /**
   * Files end to end, read and hashed off the JS thread by `threads` threads (native/hash-files.h):
   * `segs` holds [pos, len, avail, strict, leaves] per path (a null path reads as zeros, so do
   * bytes past avail; strict: a short read rejects; leaves: hash its 16 KiB leaves, into `leaves`
   * in segment order). `pieces` gets 20 bytes per pieceLength slice, or is empty for none.
   * control[0] = 1 stops the threads, control[1] counts pieces done. Used by native-reader.ts.
   */
  hashFiles(paths: Array<string | null>, segs: Float64Array, pieceLength: number, pieces: Uint8Array, leaves: Uint8Array, control: Int32Array, threads: number): Promise<void>;
  /** Each path's size when it is a regular file (links followed), else -1; blocking, one call for a batch (file-sizes.ts). */
  statFiles(paths: string[]): Float64Array;
}

const REL = path.join('node_modules', '.cache', 'tessera-native', 'sha1x8.node');

/**
 * The built addon's path: in TESSERA_NATIVE_DIR when set (the packaged app's resources), else
 * looked for above this module, the main script and the working directory.
 */
export function findSha1x8(): string | null {
  if (process.env.TESSERA_NO_NATIVE === '1') return null;
  const dir = process.env.TESSERA_NATIVE_DIR;
  if (dir) {
    const p = path.join(dir, 'sha1x8.node');
    return existsSync(p) ? p : null;
  }
  const starts: string[] = [];
  try {
    starts.push(path.dirname(fileURLToPath(import.meta.url)));
  } catch {
    // a CommonJS bundle (Electron) has no import.meta.url
  }
  if (process.argv[1]) starts.push(path.dirname(path.resolve(process.argv[1])));
  starts.push(process.cwd());
  for (const start of starts) {
    for (let dir = start, i = 0; i < 16; i++) {
      const p = path.join(dir, REL);
      if (existsSync(p)) return p;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return null;
}

const loaded = new Map<string, Sha1x8 | null>();

/** The addon at `file` if it loads, speaks SHA1X8_ABI and this CPU can run it; else null. */
export function loadSha1x8(file: string | null): Sha1x8 | null {
  if (file === null) return null;
  let m = loaded.get(file);
  if (m === undefined) {
    m = null;
    try {
      const mod = { exports: {} as Partial<Sha1x8> };
      process.dlopen(mod, file);
      const x = mod.exports;
      if (x.available === true && x.abi === SHA1X8_ABI && typeof x.update === 'function' && typeof x.hashFiles === 'function' && typeof x.statFiles === 'function') m = x as Sha1x8;
    } catch {
      m = null;
    }
    loaded.set(file, m);
  }
  return m;
}

let here: Sha1x8 | null | undefined;
/** The addon for this thread, looked for at the first call. */
const addonHere = (): Sha1x8 | null => (here ??= loadSha1x8(findSha1x8()));

/**
 * A merkle PairHasher (metainfo/merkle.ts) on the addon's SHA-256 (SHA-NI streams or AVX2 lanes),
 * for this thread; undefined without the addon (merkle.ts then uses node:crypto).
 */
export function nativePairs(): PairHasher | undefined {
  return addonHere() ? fastPairs : undefined;
}

/** The fastest PairHasher on this thread: the addon's, else node:crypto. */
export const fastPairs: PairHasher = (level) => addonHere()?.sha256Chunks(level, 64) ?? cryptoPairs(level);

/** The fastest LeafHasher on this thread (BEP 52 16 KiB leaves, e.g. of a downloaded piece): the addon's, else node:crypto. */
export const fastLeaves: LeafHasher = (data) => addonHere()?.sha256Chunks(data, BLOCK) ?? cryptoLeaves(data);
