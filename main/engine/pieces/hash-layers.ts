// BEP 52 piece layers learned from peers (hash request / hashes / hash reject), for torrents whose
// .torrent has no 'piece layers' — a magnet only transfers the info dict, which holds each file's
// pieces root and nothing below it. Pure (node:crypto only): requests out, replies in, verified
// piece hashes kept; and the serving side, answering other peers' requests from layers we hold.
//
// Geometry, as libtorrent 2.0 uses it (hash_picker.cpp / merkle_tree.cpp). A file's tree has
// nextPow2(blocks) leaves; layer 0 is the block hashes, layer P = log2(pieceLength / 16 KiB) the
// piece layer, with L = nextPow2(pieces) nodes (past the file's end: the hash of an all-zero
// piece subtree). We ask for the piece layer 512 hashes at a time: index = 512·c, length =
// max(2, min(512, nextPow2(pieces − index))), proofLayers = log2(L) − 1. The reply carries `length` base
// hashes then log2(L) − log2(length) uncle hashes: the siblings of the range's subtree root and
// of each ancestor below the pieces root. A reply is trusted only when the hashes, folded with
// the uncles, give the pieces root from the info dict — never on the peer's word.
import { BLOCK, log2, merkleRoot, nextPow2, padHash, rootFromLayer, sha256 } from '../metainfo/merkle.ts';
import { equalBytes, toHex } from '../metainfo/hex.ts';
import type { Metainfo } from '../metainfo/types.ts';
import type { HashRange } from '../wire/messages.ts';

/** Piece-layer hashes per request (libtorrent asks for 512 and rejects other sizes mid-file). */
export const HASHES_PER_REQUEST = 512;
/** Most base hashes we serve in one reply (libtorrent's own requests never exceed 512). */
export const MAX_SERVE_HASHES = 512;
/** A request unanswered this long may go to another peer. */
export const HASH_REQUEST_TIMEOUT_MS = 20_000;
/** Files whose upper tree we keep built for serving (each is about 2 × its layer in memory). */
const SERVE_CACHE_FILES = 4;

interface FileLayer {
  index: number;
  root: Uint8Array;
  rootHex: string;
  firstPiece: number;
  pieces: number;
  /** log2 of the piece layer's padded width (nextPow2(pieces)). */
  height: number;
  layer: Uint8Array;
  /** Per piece: 1 when layer[piece] is verified. */
  known: Uint8Array;
  knownCount: number;
  /** The layer came with the metadata (not something to persist). */
  fromMeta: boolean;
  /** Hybrid: subtree roots computed from SHA-1-verified data, checked once the file's are all in. */
  tentative: Uint8Array | undefined;
  tentativeCount: number;
}

export type HashesResult =
  | { kind: 'ok'; pieces: number[] }
  /** Not an answer to anything we asked this peer, but a range we might have asked (late after a timeout): ignore it. */
  | { kind: 'unrequested' }
  /** A reply that does not prove out, or a range outside the tree: the peer lied (penalise like a bad piece). */
  | { kind: 'bad'; why: string };

export type ServeResult = ({ type: 'hashes'; hashes: Uint8Array } & HashRange) | ({ type: 'hash-reject' } & HashRange);

interface Outstanding { peer: number; at: number; req: HashRange }

const reqKey = (rootHex: string, index: number): string => `${rootHex}:${index}`;

export class PieceLayers {
  readonly pieceLength: number;
  /** The piece layer's number (layer 0 = blocks). */
  readonly pieceLayer: number;
  readonly #files: FileLayer[] = [];
  readonly #byRoot = new Map<string, FileLayer>();
  readonly #fileOf: Int32Array;
  readonly #outstanding = new Map<string, Outstanding>();
  readonly #serveCache = new Map<string, Uint8Array[]>();
  #missing = 0;

  /** Files of more than one piece need a layer; those in `meta.pieceLayers` start known. */
  constructor(meta: Metainfo, pieceCount: number) {
    this.pieceLength = meta.pieceLength;
    this.pieceLayer = log2(meta.pieceLength / BLOCK);
    this.#fileOf = new Int32Array(pieceCount).fill(-1);
    meta.files.forEach((f, index) => {
      if (f.padding || f.piecesRoot === undefined || f.length <= meta.pieceLength) return;
      if (f.offset % meta.pieceLength !== 0) return;
      const pieces = Math.ceil(f.length / meta.pieceLength);
      const firstPiece = f.offset / meta.pieceLength;
      if (firstPiece + pieces > pieceCount) return;
      const rootHex = toHex(f.piecesRoot);
      const given = meta.pieceLayers?.get(rootHex);
      const fl: FileLayer = {
        index, root: f.piecesRoot, rootHex, firstPiece, pieces, height: log2(nextPow2(pieces)),
        layer: new Uint8Array(pieces * 32), known: new Uint8Array(pieces), knownCount: 0, fromMeta: false,
        tentative: undefined, tentativeCount: 0,
      };
      if (given !== undefined && given.length === pieces * 32 && equalBytes(rootFromLayer(given, meta.pieceLength), f.piecesRoot)) {
        fl.layer.set(given);
        fl.known.fill(1);
        fl.knownCount = pieces;
        fl.fromMeta = true;
      } else this.#missing++;
      this.#files.push(fl);
      this.#byRoot.set(rootHex, fl);
      for (let p = firstPiece; p < firstPiece + pieces; p++) this.#fileOf[p] = this.#files.length - 1;
    });
  }

  /** Every piece hash is known (nothing left to ask peers for). */
  get complete(): boolean {
    return this.#missing === 0;
  }

  /** Files still missing their layer. */
  get missingFiles(): number {
    return this.#missing;
  }

  #file(piece: number): FileLayer | undefined {
    const i = this.#fileOf[piece];
    return i === undefined || i < 0 ? undefined : this.#files[i];
  }

  /** Does the piece's check need a layer entry we do not have yet? */
  pieceHashMissing(piece: number): boolean {
    const f = this.#file(piece);
    return f !== undefined && f.known[piece - f.firstPiece] !== 1;
  }

  /** The piece's verified layer entry; undefined when unknown or when the file needs none. */
  pieceHash(piece: number): Uint8Array | undefined {
    const f = this.#file(piece);
    if (f === undefined) return undefined;
    const k = piece - f.firstPiece;
    return f.known[k] === 1 ? f.layer.subarray(k * 32, k * 32 + 32) : undefined;
  }

  /** A whole verified layer by pieces root (hex), for serving and for MerkleVerifier. */
  layer(rootHex: string): Uint8Array | undefined {
    const f = this.#byRoot.get(rootHex);
    return f !== undefined && f.knownCount === f.pieces ? f.layer : undefined;
  }

  /** Layers verified during this run (from peers or from data), to persist for resume and seeding. */
  learned(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const f of this.#files) if (!f.fromMeta && f.knownCount === f.pieces) out.set(f.rootHex, f.layer);
    return out;
  }

  // ---- asking ----------------------------------------------------------------------------------

  /**
   * The next request for a peer: a 512-hash range not yet known and not in flight (or timed out).
   * `peerHas`, when given, skips ranges where the peer has no piece (as libtorrent does).
   */
  nextRequest(peer: number, now: number, peerHas?: (piece: number) => boolean): HashRange | undefined {
    for (const f of this.#files) {
      if (f.knownCount === f.pieces) continue;
      for (let index = 0; index < f.pieces; index += HASHES_PER_REQUEST) {
        const end = Math.min(f.pieces, index + HASHES_PER_REQUEST);
        let needed = false;
        for (let k = index; k < end && !needed; k++) needed = f.known[k] !== 1;
        if (!needed) continue;
        const key = reqKey(f.rootHex, index);
        const o = this.#outstanding.get(key);
        if (o !== undefined && now - o.at < HASH_REQUEST_TIMEOUT_MS) continue;
        if (peerHas !== undefined) {
          let has = false;
          for (let k = index; k < end && !has; k++) has = peerHas(f.firstPiece + k);
          if (!has) continue;
        }
        const req: HashRange = {
          piecesRoot: f.root, baseLayer: this.pieceLayer, index,
          // Never a length of 1: libtorrent's server and receiver disagree on its uncle count.
          length: Math.max(2, Math.min(HASHES_PER_REQUEST, nextPow2(f.pieces - index))), proofLayers: f.height - 1,
        };
        this.#outstanding.set(key, { peer, at: now, req });
        return req;
      }
    }
    return undefined;
  }

  /** Requests in flight to this peer. */
  inFlight(peer: number): number {
    let n = 0;
    for (const o of this.#outstanding.values()) if (o.peer === peer) n++;
    return n;
  }

  /** The peer went away: its requests may go elsewhere at once. */
  peerGone(peer: number): void {
    for (const [k, o] of this.#outstanding) if (o.peer === peer) this.#outstanding.delete(k);
  }

  /** A hash reject for one of our requests: free it for another peer. Returns whether it was ours. */
  onReject(peer: number, r: HashRange): boolean {
    const key = reqKey(toHex(r.piecesRoot), r.index);
    const o = this.#outstanding.get(key);
    if (o === undefined || o.peer !== peer || !sameRange(o.req, r)) return false;
    this.#outstanding.delete(key);
    return true;
  }

  /** A `hashes` reply: check it proves out to the file's pieces root, then keep the piece hashes. */
  onHashes(peer: number, r: HashRange, hashes: Uint8Array): HashesResult {
    const rootHex = toHex(r.piecesRoot);
    const key = reqKey(rootHex, r.index);
    const o = this.#outstanding.get(key);
    const f = this.#byRoot.get(rootHex);
    if (o === undefined || o.peer !== peer || f === undefined || !sameRange(o.req, r)) {
      // A range we could never have asked for (unknown file, another layer, past the tree's end)
      // is made up; a plausible one may be a late answer to a request that timed out.
      const possible = f !== undefined && r.baseLayer === this.pieceLayer && r.length >= 1 && r.length <= HASHES_PER_REQUEST &&
        r.index % HASHES_PER_REQUEST === 0 && r.index + r.length <= 2 ** f.height;
      return possible ? { kind: 'unrequested' } : { kind: 'bad', why: `hashes for a range outside the tree (${r.baseLayer}/${r.index}+${r.length})` };
    }
    this.#outstanding.delete(key);
    const checked = checkProof(f.root, f.height, r, hashes, padHash(this.pieceLayer), f.pieces);
    if (typeof checked === 'string') return { kind: 'bad', why: checked };
    const pieces: number[] = [];
    const end = Math.min(f.pieces, r.index + r.length);
    for (let k = r.index; k < end; k++) {
      if (f.known[k] === 1) continue;
      f.layer.set(hashes.subarray((k - r.index) * 32, (k - r.index + 1) * 32), k * 32);
      f.known[k] = 1;
      f.knownCount++;
      pieces.push(f.firstPiece + k);
    }
    if (f.knownCount === f.pieces && pieces.length > 0) this.#missing--;
    return { kind: 'ok', pieces };
  }

  /**
   * Hybrid torrents: a piece whose SHA-1 (from the info dict) passed gives its merkle subtree root
   * from the data itself. Kept aside until the file's every piece is in, then adopted only if the
   * whole layer hashes to the pieces root. Returns true when that completed the file's layer.
   */
  learnFromData(piece: number, subtreeRoot: Uint8Array): boolean {
    const f = this.#file(piece);
    const k = f === undefined ? -1 : piece - f.firstPiece;
    if (f === undefined || f.known[k] === 1) return false;
    f.tentative ??= new Uint8Array(f.pieces * 32 + f.pieces);
    const flags = f.pieces * 32;
    if (f.tentative[flags + k] !== 1) { f.tentative[flags + k] = 1; f.tentativeCount++; }
    f.tentative.set(subtreeRoot, k * 32);
    if (f.tentativeCount < f.pieces) return false;
    const layer = f.tentative.subarray(0, flags);
    if (!equalBytes(rootFromLayer(layer, this.pieceLength), f.root)) { f.tentative = undefined; f.tentativeCount = 0; return false; }
    f.layer.set(layer);
    f.known.fill(1);
    if (f.knownCount < f.pieces) this.#missing--;
    f.knownCount = f.pieces;
    f.tentative = undefined;
    return true;
  }

  // ---- serving ---------------------------------------------------------------------------------

  /**
   * Answer a peer's hash request from a layer we hold (piece layer or above). Anything else — the
   * block layer, a file we lack, a range out of the tree, more than MAX_SERVE_HASHES — is a hash
   * reject. Work per request: count + uncles lookups once the file's tree is built (O(layer), cached).
   */
  serve(r: HashRange): ServeResult {
    const reject = { type: 'hash-reject' as const, piecesRoot: r.piecesRoot, baseLayer: r.baseLayer, index: r.index, length: r.length, proofLayers: r.proofLayers };
    const f = this.#byRoot.get(toHex(r.piecesRoot));
    if (f === undefined || f.knownCount !== f.pieces) return reject;
    const top = this.pieceLayer + f.height; // the pieces root's layer number
    if (r.baseLayer < this.pieceLayer || r.baseLayer >= top) return reject;
    const levelSize = 2 ** (top - r.baseLayer);
    if (r.length < 1 || r.length > MAX_SERVE_HASHES || (r.length & (r.length - 1)) !== 0) return reject;
    if (r.index % r.length !== 0 || r.index + r.length > levelSize) return reject;
    if (r.proofLayers >= top - r.baseLayer) return reject;
    const tree = this.#tree(f);
    const level = tree[r.baseLayer - this.pieceLayer] as Uint8Array;
    // Uncles from the range's subtree root upwards: proofLayers − log2(length) + 1 of them, the
    // count libtorrent's add_hashes expects. (Its get_hashes sends one fewer for a length of 1,
    // skipping the node's own sibling, which its own receiver then refuses; we ask for ≥ 2.)
    const h0 = log2(r.length);
    const uncles = Math.max(0, r.proofLayers - h0 + 1);
    const out = new Uint8Array((r.length + uncles) * 32);
    out.set(level.subarray(r.index * 32, (r.index + r.length) * 32));
    let pos = r.index / r.length;
    for (let u = 0; u < uncles; u++) {
      const lv = tree[r.baseLayer - this.pieceLayer + h0 + u] as Uint8Array;
      const sib = pos ^ 1;
      out.set(lv.subarray(sib * 32, sib * 32 + 32), (r.length + u) * 32);
      pos >>= 1;
    }
    return { type: 'hashes', piecesRoot: r.piecesRoot, baseLayer: r.baseLayer, index: r.index, length: r.length, proofLayers: r.proofLayers, hashes: out };
  }

  /** Layers from the piece layer (padded to a power of two) up to the root, built once per file. */
  #tree(f: FileLayer): Uint8Array[] {
    const hit = this.#serveCache.get(f.rootHex);
    if (hit !== undefined) {
      this.#serveCache.delete(f.rootHex);
      this.#serveCache.set(f.rootHex, hit);
      return hit;
    }
    const width = 2 ** f.height;
    const base = new Uint8Array(width * 32);
    base.set(f.layer);
    const pad = padHash(this.pieceLayer);
    for (let k = f.pieces; k < width; k++) base.set(pad, k * 32);
    const tree = [base];
    for (let w = width; w > 1; w /= 2) {
      const below = tree[tree.length - 1] as Uint8Array;
      const up = new Uint8Array((w / 2) * 32);
      for (let k = 0; k < w / 2; k++) up.set(sha256(below.subarray(k * 64, k * 64 + 32), below.subarray(k * 64 + 32, k * 64 + 64)), k * 32);
      tree.push(up);
    }
    this.#serveCache.set(f.rootHex, tree);
    while (this.#serveCache.size > SERVE_CACHE_FILES) {
      const oldest = this.#serveCache.keys().next().value;
      if (oldest === undefined) break;
      this.#serveCache.delete(oldest);
    }
    return tree;
  }
}

function sameRange(a: HashRange, b: HashRange): boolean {
  return equalBytes(a.piecesRoot, b.piecesRoot) && a.baseLayer === b.baseLayer && a.index === b.index && a.length === b.length && a.proofLayers === b.proofLayers;
}

/**
 * Fold `length` base hashes (a power of two, at the piece layer) and their uncles up to the pieces
 * root. Returns null when they prove out, else why not. Base hashes past the file's end must be
 * the pad hash (they are implied by the root too; checked so a reply cannot carry junk there).
 */
export function checkProof(root: Uint8Array, height: number, r: HashRange, hashes: Uint8Array, pad: Uint8Array, pieces?: number): string | null {
  const count = r.length;
  if (count < 1 || (count & (count - 1)) !== 0 || r.index % count !== 0) return `bad range ${r.index}+${count}`;
  const uncles = height - log2(count);
  if (uncles < 0) return `range of ${count} is wider than the tree`;
  if (hashes.length !== (count + uncles) * 32) return `${hashes.length / 32} hashes, expected ${count} + ${uncles} uncles`;
  if (pieces !== undefined) {
    for (let k = Math.max(r.index, pieces); k < r.index + count; k++) {
      if (!equalBytes(hashes.subarray((k - r.index) * 32, (k - r.index + 1) * 32), pad)) return `non-pad hash past the file's end at ${k}`;
    }
  }
  let node = merkleRoot(hashes.subarray(0, count * 32), count, pad);
  let pos = r.index / count;
  for (let u = 0; u < uncles; u++) {
    const uncle = hashes.subarray((count + u) * 32, (count + u + 1) * 32);
    node = (pos & 1) === 1 ? sha256(uncle, node) : sha256(node, uncle);
    pos >>= 1;
  }
  if (pos !== 0) return 'range outside the tree';
  return equalBytes(node, root) ? null : 'hashes do not prove out to the pieces root';
}
