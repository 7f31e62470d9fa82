// BEP 52 piece verification: a piece of a v2 (or hybrid) torrent is right when the merkle root of
// its 16 KiB leaf hashes equals the file's piece-layer entry — or, for a file of at most one
// piece, the file's pieces root. Leaves past the file's end are zero hashes (pieces never span
// files in v2; in a hybrid the tail of a file's last piece is BEP 47 padding, covered only by SHA-1).
// Pure: SHA-256 comes in as LeafHasher/PairHasher (node:crypto by default; the engine hands in the
// native addon's, which hashes a piece's leaves several at a time).
import { TesseraError } from '../errors.ts';
import { BLOCK, cryptoLeaves, cryptoPairs, merkleRoot, nextPow2, type LeafHasher, type PairHasher } from '../metainfo/merkle.ts';
import { toHex } from '../metainfo/hex.ts';
import type { Metainfo } from '../metainfo/types.ts';

const ZERO32 = new Uint8Array(32);

export interface MerkleTarget {
  /** The expected subtree root. */
  root: Uint8Array;
  /** Leaves in the subtree (a power of two): pieceLength / 16 KiB, or fewer for a one-piece file. */
  width: number;
  /** File bytes at the start of the piece (the rest, if any, is padding). */
  dataLength: number;
}

export interface Sha256Hashers {
  leaves: LeafHasher;
  pairs: PairHasher;
}

/** Piece-layer entries learned after the metadata (pieces/hash-layers.ts): undefined while unknown. */
export interface PieceHashSource {
  pieceHash(piece: number): Uint8Array | undefined;
}

export class MerkleVerifier {
  readonly #pieceLength: number;
  /** Per piece: index into #files, or -1 for a piece with no v2 data. */
  readonly #fileOf: Int32Array;
  readonly #files: Array<{ first: number; length: number; root: Uint8Array; layer: Uint8Array | undefined; multi: boolean }> = [];
  readonly #learned: PieceHashSource | undefined;
  readonly #sha256: Sha256Hashers;

  /**
   * Throws METAINFO_INVALID when a file is not piece-aligned, or its piece layer is missing and no
   * `learned` source (hash requests to peers) will supply it.
   */
  constructor(meta: Metainfo, pieceCount: number, learned?: PieceHashSource, sha256: Sha256Hashers = { leaves: cryptoLeaves, pairs: cryptoPairs }) {
    this.#learned = learned;
    this.#sha256 = sha256;
    const pl = meta.pieceLength;
    if (pl < BLOCK || pl % BLOCK !== 0) throw new TesseraError('METAINFO_INVALID', `v2 piece length ${pl} is not a multiple of 16 KiB`);
    this.#pieceLength = pl;
    this.#fileOf = new Int32Array(pieceCount).fill(-1);
    for (const f of meta.files) {
      if (f.padding || f.length === 0) continue;
      if (f.piecesRoot === undefined) throw new TesseraError('METAINFO_INVALID', `file ${f.path.join('/')} has no pieces root`);
      if (f.offset % pl !== 0) throw new TesseraError('METAINFO_INVALID', `file ${f.path.join('/')} does not start on a piece boundary`);
      const first = f.offset / pl;
      const count = Math.ceil(f.length / pl);
      let layer: Uint8Array | undefined;
      if (count > 1) {
        layer = meta.pieceLayers?.get(toHex(f.piecesRoot));
        if (layer !== undefined && layer.length !== count * 32) layer = undefined;
        if (layer === undefined && learned === undefined) {
          throw new TesseraError('METAINFO_INVALID', `no piece layer for ${f.path.join('/')} (a magnet without hash requests cannot verify it)`);
        }
      }
      if (first + count > pieceCount) throw new TesseraError('METAINFO_INVALID', `file ${f.path.join('/')} runs past the last piece`);
      const idx = this.#files.length;
      this.#files.push({ first, length: f.length, root: f.piecesRoot, layer, multi: count > 1 });
      for (let p = first; p < first + count; p++) this.#fileOf[p] = idx;
    }
  }

  target(piece: number): MerkleTarget | undefined {
    const fi = this.#fileOf[piece];
    if (fi === undefined || fi < 0) return undefined;
    const f = this.#files[fi];
    if (f === undefined) return undefined;
    const pl = this.#pieceLength;
    if (!f.multi) return { root: f.root, width: nextPow2(Math.ceil(f.length / BLOCK)), dataLength: f.length };
    const k = piece - f.first;
    const root = f.layer !== undefined ? f.layer.subarray(k * 32, k * 32 + 32) : this.#learned?.pieceHash(piece);
    if (root === undefined) return undefined;
    return { root, width: pl / BLOCK, dataLength: Math.min(pl, f.length - k * pl) };
  }

  /** Whether the piece can be checked now (false while its piece-layer entry is still unknown). */
  canVerify(piece: number): boolean {
    return this.target(piece) !== undefined || (this.#fileOf[piece] ?? -2) === -1;
  }

  /** The merkle root of the piece's own subtree, computed from its bytes (hybrids learn layers from this). */
  pieceRoot(piece: number, data: Uint8Array): Uint8Array | undefined {
    const n = this.#ownData(piece);
    return n === undefined || data.length < n ? undefined : this.pieceRootFromLeaves(piece, this.#sha256.leaves(data.subarray(0, n)));
  }

  /** pieceRoot from the piece's 16 KiB leaf hashes (at least as many as its data needs), e.g. computed by the hash workers. */
  pieceRootFromLeaves(piece: number, leaves: Uint8Array): Uint8Array | undefined {
    const n = this.#ownData(piece);
    const count = n === undefined ? 0 : Math.ceil(n / BLOCK);
    if (n === undefined || leaves.length < count * 32) return undefined;
    return merkleRoot(leaves.subarray(0, count * 32), this.#pieceLength / BLOCK, ZERO32, this.#sha256.pairs);
  }

  /** Does `data` (the piece's bytes from offset 0) hash to the expected root? A piece with no v2 data passes. */
  verify(piece: number, data: Uint8Array): boolean {
    const t = this.target(piece);
    if (t === undefined) return (this.#fileOf[piece] ?? -2) === -1;
    if (data.length < t.dataLength) return false;
    return this.verifyLeaves(piece, this.#sha256.leaves(data.subarray(0, t.dataLength)));
  }

  /**
   * verify() from the piece's 16 KiB leaf hashes instead of its bytes (the hash workers compute
   * them where the data is read); leaves past the piece's data are ignored, too few fail.
   */
  verifyLeaves(piece: number, leaves: Uint8Array): boolean {
    const t = this.target(piece);
    if (t === undefined) return (this.#fileOf[piece] ?? -2) === -1;
    const count = Math.ceil(t.dataLength / BLOCK);
    if (leaves.length < count * 32) return false;
    const root = merkleRoot(leaves.subarray(0, count * 32), t.width, ZERO32, this.#sha256.pairs);
    for (let i = 0; i < 32; i++) if (root[i] !== t.root[i]) return false;
    return true;
  }

  /** Bytes of file data in a piece of a multi-piece file; undefined for any other piece. */
  #ownData(piece: number): number | undefined {
    const f = this.#files[this.#fileOf[piece] ?? -1];
    if (f === undefined || !f.multi) return undefined;
    return Math.min(this.#pieceLength, f.length - (piece - f.first) * this.#pieceLength);
  }
}
