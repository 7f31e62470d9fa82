// How many connected peers have each piece. Pure.
//
// Seeds are counted apart: a seed adds 1 to `seeds` and nothing to `counts`, so a seed joining or
// leaving is O(1) instead of O(pieces), and the UI gets "N seeds + this distribution" for free.
// The true availability of piece i is counts[i] + seeds. Rarest-first only needs the relative
// order, which seeds do not change. A peer that completes through HAVE messages moves from the
// counts to the seed count (O(pieces), once per peer lifetime).
//
// Updates: O(1) per HAVE, O(pieces) per bitfield. Each per-piece change is reported to an optional
// listener (the picker keeps its rarest-first buckets in step with it).

import { Bitfield } from '../wire/bitfield.ts';
import { TesseraError } from '../errors.ts';

export interface AvailabilityListener {
  /** counts[piece] went from `from` to `to` (always by ±1). */
  availabilityChanged(piece: number, from: number, to: number): void;
}

/** What we know of a peer's pieces: its bitfield, or 'all' for a seed (BEP 6 have-all). */
export type PeerHas = Bitfield | 'all';

export class Availability {
  readonly pieceCount: number;
  /** Per piece, the number of connected non-seed peers that have it. Read-only to callers. */
  readonly counts: Uint32Array;
  #seeds = 0;
  #peers = 0;
  #listener: AvailabilityListener | undefined;

  constructor(pieceCount: number, listener?: AvailabilityListener) {
    this.pieceCount = pieceCount;
    this.counts = new Uint32Array(pieceCount);
    this.#listener = listener;
  }

  /** Connected seeds (peers with every piece). */
  get seeds(): number {
    return this.#seeds;
  }

  /** Connected peers registered here, seeds included. */
  get peers(): number {
    return this.#peers;
  }

  /** Availability of one piece counting seeds. */
  get(piece: number): number {
    return (this.counts[piece] ?? 0) + this.#seeds;
  }

  /** A peer's bitfield (or have-all) arrived. Register each peer once; use have() afterwards. */
  addPeer(has: PeerHas): void {
    this.#peers++;
    if (has === 'all' || has.isFull()) {
      this.#seeds++;
      return;
    }
    this.#check(has);
    for (const i of has.setBits()) this.#inc(i);
  }

  /** A peer left (or its bitfield is being replaced): undo exactly what its current state added. */
  removePeer(has: PeerHas): void {
    this.#peers--;
    if (has === 'all' || has.isFull()) {
      this.#seeds--;
      return;
    }
    this.#check(has);
    for (const i of has.setBits()) this.#dec(i);
  }

  /**
   * The peer whose tracked bitfield is `has` sent HAVE(piece). This sets the bit in `has` (so the
   * bitfield and the counts can never disagree) and returns false for a duplicate HAVE. When the
   * peer thereby becomes complete it turns into a seed.
   */
  have(has: PeerHas, piece: number): boolean {
    if (has === 'all') return false;
    this.#check(has);
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.pieceCount) {
      throw new TesseraError('WIRE_PROTOCOL', `HAVE for piece ${piece} of ${this.pieceCount}`);
    }
    if (has.get(piece)) return false;
    has.set(piece);
    if (has.isFull()) {
      // Move from the counts to the seed count: take back the other pieces it had counted.
      for (let i = 0; i < this.pieceCount; i++) if (i !== piece) this.#dec(i);
      this.#seeds++;
    } else {
      this.#inc(piece);
    }
    return true;
  }

  #inc(i: number): void {
    const from = this.counts[i] ?? 0;
    this.counts[i] = from + 1;
    this.#listener?.availabilityChanged(i, from, from + 1);
  }

  #dec(i: number): void {
    const from = this.counts[i] ?? 0;
    if (from === 0) throw new TesseraError('BAD_ARGUMENT', `availability of piece ${i} would go below zero`);
    this.counts[i] = from - 1;
    this.#listener?.availabilityChanged(i, from, from - 1);
  }

  #check(has: Bitfield): void {
    if (has.length !== this.pieceCount) {
      throw new TesseraError('BAD_ARGUMENT', `bitfield of ${has.length} pieces for a torrent of ${this.pieceCount}`);
    }
  }
}
