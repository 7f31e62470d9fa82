// BEP 52 merkle trees: SHA-256 over 16 KiB blocks, leaves padded with zero hashes to a power of
// two. A piece's hash (in 'piece layers') is the root of its (pieceLength / 16 KiB)-leaf subtree; a file's
// 'pieces root' is the root of the whole tree. Pure (node:crypto only); a tree is built a whole
// level at a time, so a caller can hand in a faster SHA-256 for the pairs (PairHasher: the
// native addon's eight-at-a-time SHA-256, native-sha1.ts; on 64-byte messages node:crypto's
// per-call cost dominates and the addon is 15-30x faster here).
import { createHash } from 'node:crypto';

export const BLOCK = 16384;
const ZERO32 = new Uint8Array(32);

export function sha256(a: Uint8Array, b?: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(a);
  if (b) h.update(b);
  return new Uint8Array(h.digest());
}

const zeroCache: Uint8Array[] = [ZERO32];
/** Root of a subtree of 2^level all-zero leaves. */
export function padHash(level: number): Uint8Array {
  while (zeroCache.length <= level) {
    const z = zeroCache[zeroCache.length - 1] as Uint8Array;
    zeroCache.push(sha256(z, z));
  }
  return zeroCache[level] as Uint8Array;
}

export function log2(n: number): number {
  return Math.round(Math.log2(n));
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The next level of a tree: SHA-256 of each 64-byte pair of `level` (concatenated 32-byte nodes, an even count). */
export type PairHasher = (level: Uint8Array) => Uint8Array;

export const cryptoPairs: PairHasher = (level) => {
  const out = new Uint8Array(level.length / 2);
  for (let i = 0; i * 64 < level.length; i++) out.set(createHash('sha256').update(level.subarray(i * 64, i * 64 + 64)).digest(), i * 32);
  return out;
};

/** SHA-256 of each 16 KiB block of `data` (the last may be shorter): a file's or a piece's leaves. */
export type LeafHasher = (data: Uint8Array) => Uint8Array;

export const cryptoLeaves: LeafHasher = (data) => {
  const n = Math.ceil(data.length / BLOCK);
  const out = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) out.set(createHash('sha256').update(data.subarray(i * BLOCK, (i + 1) * BLOCK)).digest(), i * 32);
  return out;
};

/** `level` (count nodes) with `pad` appended when count is odd. */
function even(level: Uint8Array, count: number, pad: Uint8Array): Uint8Array {
  if (count % 2 === 0) return level.subarray(0, count * 32);
  const out = new Uint8Array((count + 1) * 32);
  out.set(level.subarray(0, count * 32));
  out.set(pad, count * 32);
  return out;
}

/** Root over `hashes` (concatenated 32-byte nodes), padded to `width` leaves with `pad`. */
export function merkleRoot(hashes: Uint8Array, width: number, pad: Uint8Array, pairs: PairHasher = cryptoPairs): Uint8Array {
  let count = hashes.length / 32;
  if (count === 0) return width <= 1 ? pad : merkleRoot(new Uint8Array(0), width / 2, sha256(pad, pad), pairs);
  let level = hashes;
  let padNode = pad;
  for (let w = width; w > 1; w /= 2) {
    level = pairs(even(level, count, padNode));
    count = level.length / 32;
    padNode = sha256(padNode, padNode);
  }
  return level.subarray(0, 32);
}

/** Per-piece hashes ('piece layers' entry) from a file's block hashes: every piece's subtree at once, a level per pass. */
export function pieceLayer(blockHashes: Uint8Array, pieceLength: number, pairs: PairHasher = cryptoPairs): Uint8Array {
  const per = pieceLength / BLOCK;
  const pieces = Math.ceil(blockHashes.length / 32 / per);
  // The last piece's missing leaves are zero hashes (BEP 52); a new buffer is zero-filled.
  let level = blockHashes;
  if (blockHashes.length !== pieces * per * 32) {
    level = new Uint8Array(pieces * per * 32);
    level.set(blockHashes);
  }
  for (let w = per; w > 1; w /= 2) level = pairs(level);
  return level === blockHashes ? blockHashes.slice() : level; // 16 KiB pieces: the leaves themselves, copied
}

/** A file's pieces root from its block hashes. Files of at most one piece are not padded to a piece. */
export function fileRoot(blockHashes: Uint8Array, pieceLength: number, pairs: PairHasher = cryptoPairs): Uint8Array {
  const blocks = blockHashes.length / 32;
  const per = pieceLength / BLOCK;
  if (blocks <= per) return merkleRoot(blockHashes, nextPow2(blocks), ZERO32, pairs);
  return rootFromLayer(pieceLayer(blockHashes, pieceLength, pairs), pieceLength, pairs);
}

/** A file's pieces root from its piece layer (for validating 'piece layers'). */
export function rootFromLayer(layer: Uint8Array, pieceLength: number, pairs: PairHasher = cryptoPairs): Uint8Array {
  return merkleRoot(layer, nextPow2(layer.length / 32), padHash(log2(pieceLength / BLOCK)), pairs);
}
