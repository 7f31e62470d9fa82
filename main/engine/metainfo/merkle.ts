// BEP 52 merkle trees: SHA-256 over 16 KiB blocks, leaves padded with zero hashes to a power of
// two. A piece's hash (in 'piece layers') is the root of its blockspp-leaf subtree; a file's
// 'pieces root' is the root of the whole tree. Pure (node:crypto only).
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

/** Root over `hashes` (concatenated 32-byte nodes), padded to `width` leaves with `pad`. */
export function merkleRoot(hashes: Uint8Array, width: number, pad: Uint8Array): Uint8Array {
  const count = hashes.length / 32;
  if (count === 0) return width <= 1 ? pad : merkleRoot(new Uint8Array(0), width / 2, sha256(pad, pad));
  let level: Uint8Array[] = [];
  for (let i = 0; i < count; i++) level.push(hashes.subarray(i * 32, i * 32 + 32));
  let padNode = pad;
  let w = width;
  while (w > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256(level[i] as Uint8Array, level[i + 1] ?? padNode));
    level = next;
    padNode = sha256(padNode, padNode);
    w /= 2;
  }
  return level[0] as Uint8Array;
}

/** Per-piece hashes ('piece layers' entry) from a file's block hashes. */
export function pieceLayer(blockHashes: Uint8Array, pieceLength: number): Uint8Array {
  const per = pieceLength / BLOCK;
  const blocks = blockHashes.length / 32;
  const pieces = Math.ceil(blocks / per);
  const out = new Uint8Array(pieces * 32);
  for (let p = 0; p < pieces; p++) {
    out.set(merkleRoot(blockHashes.subarray(p * per * 32, Math.min(blocks, (p + 1) * per) * 32), per, ZERO32), p * 32);
  }
  return out;
}

/** A file's pieces root from its block hashes. Files of at most one piece are not padded to a piece. */
export function fileRoot(blockHashes: Uint8Array, pieceLength: number): Uint8Array {
  const blocks = blockHashes.length / 32;
  const per = pieceLength / BLOCK;
  if (blocks <= per) return merkleRoot(blockHashes, nextPow2(blocks), ZERO32);
  return rootFromLayer(pieceLayer(blockHashes, pieceLength), pieceLength);
}

/** A file's pieces root from its piece layer (for validating 'piece layers'). */
export function rootFromLayer(layer: Uint8Array, pieceLength: number): Uint8Array {
  return merkleRoot(layer, nextPow2(layer.length / 32), padHash(log2(pieceLength / BLOCK)));
}
