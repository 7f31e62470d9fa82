// The piece picker: which blocks to ask which peer for. Pure (no I/O, no timers).
//
// Order of preference for a peer:
//   1. blocks of pieces already being downloaded that still have unrequested blocks ("open"
//      pieces), highest priority first — finishing pieces frees memory and gives verified data;
//   2. a fresh piece: highest priority, then rarest (fewest non-seed peers), ties broken at random;
//   3. in endgame (every wanted block is already requested or received), blocks requested from
//      other peers, roughly oldest request first; the first copy to arrive cancels the others.
//
// Cost: fresh pieces live in buckets keyed by (priority, availability) (rarity-buckets.ts), so an
// availability change moves a piece between buckets in O(1) and a random element of the best
// bucket is the random tie-break. A seed's pick takes the first non-empty
// bucket: O(buckets) ≤ O(peers), never O(pieces). Availability counts exclude seeds, so in the
// common "few seeds" swarm there is a single bucket. Block state exists only for pieces being
// downloaded (downloading-piece.ts); open pieces are an O(1) indexed set (open-pieces.ts) and the
// endgame's duplicate requests are picked from a candidate set (endgame.ts).

import { Bitfield } from '../wire/bitfield.ts';
import { TesseraError } from '../errors.ts';
import { Availability, type AvailabilityListener, type PeerHas } from './availability.ts';
import { RarityBuckets } from './rarity-buckets.ts';
import { BLOCK_SIZE, DownloadingPiece, type BlockRequest, type Cancel } from './downloading-piece.ts';
import { OpenPieces } from './open-pieces.ts';
import { EndgameCandidates } from './endgame.ts';

export { BLOCK_SIZE, type BlockRequest, type Cancel } from './downloading-piece.ts';

/** 0 skip, 1 low, 2 normal, 3 high. */
export type Priority = 0 | 1 | 2 | 3;
const MAX_PRIO = 3;

export interface PiecePickerOptions {
  pieceLength: number;
  totalLength: number;
  /** Pieces already verified (from resume data or a check). Copied. */
  have?: Bitfield;
  /** Per-piece priority 0..3 (default all 2). Copied. */
  priorities?: Uint8Array;
  /** Uniform [0,1) source for tie-breaks (injectable for tests). */
  random?: () => number;
  /** In endgame, at most this many peers are asked for the same block (default 2). */
  endgameMaxRequesters?: number;
}

export interface BlockResult {
  /** False when the block was not wanted (duplicate, unknown piece, wrong size): drop the data. */
  accepted: boolean;
  /** Every block of the piece is now received: hash it, then call onPieceVerified / onPieceFailed. */
  pieceComplete: boolean;
  /** Endgame duplicates to send CANCEL for. */
  cancels: Cancel[];
}

export class PiecePicker implements AvailabilityListener {
  readonly pieceCount: number;
  readonly pieceLength: number;
  readonly totalLength: number;
  /** Availability of every piece among connected peers (register peers here). */
  readonly availability: Availability;

  readonly #have: Bitfield;
  /** prio > 0 and not verified: what we still want. */
  readonly #wanted: Bitfield;
  #wantedBytes = 0;
  readonly #prio: Uint8Array;
  readonly #random: () => number;

  /** Fresh pieces (wanted, not started), by priority and availability. */
  readonly #fresh: RarityBuckets;

  // Pieces being downloaded; "open" ones still have unrequested blocks.
  readonly #dl = new Map<number, DownloadingPiece>();
  readonly #downloading: Bitfield;
  readonly #open: OpenPieces;
  /** Outstanding requests per peer, as block ids (piece * blocksPerPiece + block). */
  readonly #peerReqs = new Map<number, Set<number>>();
  readonly #bpp: number;
  /** Blocks requested by fewer peers than the endgame allows: its candidates. */
  readonly #endgame: EndgameCandidates;

  constructor(opts: PiecePickerOptions) {
    const { pieceLength, totalLength } = opts;
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0 || !Number.isSafeInteger(totalLength) || totalLength < 0) {
      throw new TesseraError('BAD_ARGUMENT', `bad piece geometry ${pieceLength}/${totalLength}`);
    }
    const n = Math.ceil(totalLength / pieceLength);
    this.pieceCount = n;
    this.pieceLength = pieceLength;
    this.totalLength = totalLength;
    this.#bpp = Math.ceil(pieceLength / BLOCK_SIZE);
    this.#random = opts.random ?? Math.random;
    this.#endgame = new EndgameCandidates(Math.max(1, opts.endgameMaxRequesters ?? 2), this.#bpp);
    this.#have = opts.have ? opts.have.clone() : new Bitfield(n);
    if (this.#have.length !== n) throw new TesseraError('BAD_ARGUMENT', `have bitfield of ${this.#have.length}, expected ${n}`);
    this.#wanted = new Bitfield(n);
    this.#downloading = new Bitfield(n);
    this.#prio = new Uint8Array(n);
    this.#fresh = new RarityBuckets(n, MAX_PRIO);
    this.#open = new OpenPieces(n);
    this.availability = new Availability(n, this);
    this.setPriorities(opts.priorities ?? new Uint8Array(n).fill(2));
  }

  // ---- queries -------------------------------------------------------------------------------

  pieceSize(i: number): number {
    return i === this.pieceCount - 1 ? this.totalLength - this.pieceLength * (this.pieceCount - 1) : this.pieceLength;
  }

  hasPiece(i: number): boolean {
    return this.#have.get(i);
  }

  /** Verified pieces (a copy). */
  haveBitfield(): Bitfield {
    return this.#have.clone();
  }

  /** Pieces with any block requested or received and not yet verified (a copy, for the UI). */
  downloadingBitfield(): Bitfield {
    return this.#downloading.clone();
  }

  /** Whether we still want this piece (priority > 0 and not verified): for interest on HAVE. */
  wants(piece: number): boolean {
    return this.#wanted.get(piece);
  }

  /** Whether a peer has anything we want: O(pieces/8), for interest after a bitfield. */
  isInteresting(peerHas: PeerHas): boolean {
    if (peerHas === 'all') return !this.#wanted.isEmpty();
    const a = peerHas.bytes;
    const w = this.#wanted.bytes;
    for (let j = 0; j < w.length; j++) if (((a[j] ?? 0) & (w[j] ?? 0)) !== 0) return true;
    return false;
  }

  /** Wanted pieces not yet verified. */
  wantedLeft(): number {
    return this.#wanted.count();
  }

  /** Bytes of wanted pieces not yet verified. */
  wantedLeftBytes(): number {
    return this.#wantedBytes;
  }

  /** True when every wanted block is requested or received (and some are still missing). */
  get isEndgame(): boolean {
    if (this.#wanted.isEmpty() || this.#open.length > 0) return false;
    let unavailable = 0;
    if (this.availability.seeds === 0) {
      for (let p = 1; p <= MAX_PRIO; p++) unavailable += this.#fresh.countAt(p, 0);
    }
    return this.#fresh.size === unavailable;
  }

  /** Requests outstanding to one peer. */
  outstanding(peerKey: number): number {
    return this.#peerReqs.get(peerKey)?.size ?? 0;
  }

  /** Received-block count of a piece being downloaded (0 otherwise), for progress display. */
  receivedBlocks(piece: number): number {
    return this.#dl.get(piece)?.received ?? 0;
  }

  // ---- picking -------------------------------------------------------------------------------

  /**
   * Choose up to `max` blocks to request from a peer and mark them requested by `peerKey`.
   * The peer must be registered in `availability` (addPeer) for rarest-first to see its pieces.
   * With `allowedFast` (the peer is choking us), only those pieces are considered.
   */
  pick(peerHas: PeerHas, peerKey: number, max: number, opts?: { allowedFast?: ReadonlySet<number> }): BlockRequest[] {
    const out: BlockRequest[] = [];
    if (!(max > 0)) return out;
    const seed = peerHas === 'all' || peerHas.isFull();
    if (!seed && peerHas.length !== this.pieceCount) {
      throw new TesseraError('BAD_ARGUMENT', `peer bitfield of ${peerHas.length}, expected ${this.pieceCount}`);
    }
    const has = (i: number): boolean => seed || (peerHas as Bitfield).get(i);

    if (opts?.allowedFast) {
      for (const p of opts.allowedFast) {
        if (out.length >= max) break;
        if (!Number.isInteger(p) || !this.#wanted.get(p) || !has(p)) continue;
        if (this.#fresh.has(p)) this.#start(p);
        const dl = this.#dl.get(p);
        if (dl && this.#open.has(p)) this.#take(p, dl, peerKey, max, out);
      }
      return out;
    }

    // 1. Open pieces, highest priority first.
    for (let prio = MAX_PRIO; prio >= 1 && out.length < max && this.#open.length > 0; prio--) {
      for (let k = 0; k < this.#open.length && out.length < max; ) {
        const p = this.#open.at(k);
        const dl = this.#dl.get(p);
        if (dl && this.#prio[p] === prio && has(p)) {
          this.#take(p, dl, peerKey, max, out);
          if (!this.#open.has(p)) continue; // removed by swap: slot k now holds another piece
        }
        k++;
      }
    }
    // 2. Fresh pieces, rarest first.
    while (out.length < max) {
      const p = this.#nextFresh(peerHas, seed);
      if (p < 0) break;
      this.#start(p);
      const dl = this.#dl.get(p) as DownloadingPiece;
      this.#take(p, dl, peerKey, max, out);
    }
    // 3. Endgame: duplicate requests for blocks other peers are slow to deliver.
    if (out.length < max && this.isEndgame) this.#endgame.pick(this.#dl, this.#prio, has, peerKey, this.#reqsOf(peerKey), max, out);
    return out;
  }

  // ---- events --------------------------------------------------------------------------------

  /** A PIECE message arrived. Accepts any block of a piece being downloaded that is not yet received. */
  onBlock(piece: number, begin: number, length: number, peerKey: number): BlockResult {
    const result: BlockResult = { accepted: false, pieceComplete: false, cancels: [] };
    const dl = this.#dl.get(piece);
    if (!dl || begin % BLOCK_SIZE !== 0) return result;
    const b = begin / BLOCK_SIZE;
    if (b >= dl.blocks || length !== dl.blockLength(b)) return result;
    const id = this.#blockId(piece, b);
    if (dl.isReceived(b)) {
      // A late duplicate (endgame, or after a timeout handed the block to someone else).
      this.#peerReqs.get(peerKey)?.delete(id);
      return result;
    }
    for (const r of dl.requesters(b)) {
      this.#peerReqs.get(r)?.delete(id);
      if (r !== peerKey) result.cancels.push({ peerKey: r, piece, begin, length });
    }
    dl.markReceived(b, peerKey);
    this.#endgame.forget(id);
    if (dl.free === 0) this.#open.remove(piece);
    result.accepted = true;
    result.pieceComplete = dl.received === dl.blocks;
    return result;
  }

  /** A request was rejected, timed out or lost to a choke: give the block back to the pool. */
  onRequestFailed(piece: number, begin: number, peerKey: number): void {
    const dl = this.#dl.get(piece);
    if (!dl || begin % BLOCK_SIZE !== 0) return;
    const b = begin / BLOCK_SIZE;
    if (b >= dl.blocks) return;
    this.#peerReqs.get(peerKey)?.delete(this.#blockId(piece, b));
    this.#release(piece, dl, b, peerKey);
  }

  /** A peer disconnected: every block it had outstanding goes back to the pool. */
  onPeerGone(peerKey: number): void {
    const reqs = this.#peerReqs.get(peerKey);
    if (!reqs) return;
    this.#peerReqs.delete(peerKey);
    for (const id of reqs) {
      const piece = Math.floor(id / this.#bpp);
      const dl = this.#dl.get(piece);
      if (dl) this.#release(piece, dl, id - piece * this.#bpp, peerKey);
    }
  }

  /** The piece hashed correctly (and is on disk). */
  onPieceVerified(piece: number): void {
    this.#checkPiece(piece);
    if (this.#have.get(piece)) return;
    this.#drop(piece);
    this.#bucketRemove(piece);
    this.#have.set(piece);
    if (this.#wanted.get(piece)) {
      this.#wanted.clear(piece);
      this.#wantedBytes -= this.pieceSize(piece);
    }
  }

  /** The piece failed its hash: its blocks are discarded and it is wanted again. Returns who sent them. */
  onPieceFailed(piece: number): number[] {
    this.#checkPiece(piece);
    const dl = this.#dl.get(piece);
    const blame = dl ? [...dl.contributors] : [];
    this.#drop(piece);
    this.#bucketInsert(piece);
    return blame;
  }

  /** Set every piece's priority (0..3; larger values count as 3). O(pieces). */
  setPriorities(prio: Uint8Array): void {
    if (prio.length !== this.pieceCount) {
      throw new TesseraError('BAD_ARGUMENT', `${prio.length} priorities for ${this.pieceCount} pieces`);
    }
    this.#fresh.clear();
    this.#wantedBytes = 0;
    this.#wanted.clearAll();
    for (let i = 0; i < this.pieceCount; i++) {
      this.#prio[i] = Math.min(MAX_PRIO, prio[i] ?? 0);
      if (this.#prio[i] === 0 || this.#have.get(i)) continue;
      this.#wanted.set(i);
      this.#wantedBytes += this.pieceSize(i);
      this.#bucketInsert(i);
    }
    // Open pieces of skipped files get no new requests; they come back if unskipped.
    for (const [p, dl] of this.#dl) {
      if (this.#prio[p] === 0) this.#open.remove(p);
      else if (dl.free > 0) this.#open.add(p);
    }
  }

  /** AvailabilityListener: keep the fresh-piece buckets in step, O(1). */
  availabilityChanged(piece: number, _from: number, _to: number): void {
    if (!this.#fresh.has(piece)) return;
    this.#bucketRemove(piece);
    this.#bucketInsert(piece);
  }

  // ---- internals -----------------------------------------------------------------------------

  #blockId(piece: number, b: number): number {
    return piece * this.#bpp + b;
  }

  #checkPiece(piece: number): void {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.pieceCount) {
      throw new TesseraError('BAD_ARGUMENT', `piece ${piece} out of range 0..${this.pieceCount - 1}`);
    }
  }

  /** Best fresh piece this peer has, or -1. */
  #nextFresh(peerHas: PeerHas, seed: boolean): number {
    return this.#fresh.next(peerHas, seed, this.#random);
  }

  #start(piece: number): void {
    this.#bucketRemove(piece);
    const size = this.pieceSize(piece);
    const dl = new DownloadingPiece(size);
    this.#dl.set(piece, dl);
    this.#downloading.set(piece);
    this.#open.add(piece);
  }

  /** The peer's outstanding block ids (created on first use). */
  #reqsOf(peerKey: number): Set<number> {
    let reqs = this.#peerReqs.get(peerKey);
    if (!reqs) {
      reqs = new Set();
      this.#peerReqs.set(peerKey, reqs);
    }
    return reqs;
  }

  #take(piece: number, dl: DownloadingPiece, peerKey: number, max: number, out: BlockRequest[]): void {
    const reqs = this.#reqsOf(peerKey);
    while (out.length < max) {
      const b = dl.takeFree(peerKey);
      if (b < 0) break;
      const id = this.#blockId(piece, b);
      reqs.add(id);
      this.#endgame.requested(id);
      out.push({ piece, begin: b * BLOCK_SIZE, length: dl.blockLength(b) });
    }
    if (dl.free === 0) this.#open.remove(piece);
  }

  #release(piece: number, dl: DownloadingPiece, b: number, peerKey: number): void {
    if (!dl.removeRequester(b, peerKey)) return;
    const id = this.#blockId(piece, b);
    if (dl.isRequested(b)) this.#endgame.requested(id);
    else this.#endgame.forget(id);
    if (dl.isFree(b) && this.#prio[piece] !== 0) this.#open.add(piece);
  }

  /** Forget a piece's download state and any requests still pointing at it. */
  #drop(piece: number): void {
    const dl = this.#dl.get(piece);
    if (!dl) return;
    for (let b = 0; b < dl.blocks; b++) {
      const id = this.#blockId(piece, b);
      for (const r of dl.requesters(b)) this.#peerReqs.get(r)?.delete(id);
      this.#endgame.forget(id);
    }
    this.#dl.delete(piece);
    this.#downloading.clear(piece);
    this.#open.remove(piece);
  }

  #bucketInsert(piece: number): void {
    if (this.#fresh.has(piece) || this.#prio[piece] === 0 || this.#have.get(piece) || this.#dl.has(piece)) return;
    this.#fresh.insert(piece, this.#prio[piece] as number, this.availability.counts[piece] ?? 0);
  }

  #bucketRemove(piece: number): void {
    this.#fresh.remove(piece);
  }
}
