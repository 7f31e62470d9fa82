// Fresh pieces (wanted, not started, not verified) bucketed by [priority][availability]: unordered
// arrays with a position index, so moving a piece between buckets is O(1) and a random element
// of the best bucket is the random tie-break. Pure data structure; the picker decides which
// pieces belong here.
import type { Bitfield } from '../wire/bitfield.ts';
import type { PeerHas } from './availability.ts';

export class RarityBuckets {
  readonly #buckets: number[][][];
  /** Availability bucket per piece; -1 when the piece is not bucketed. */
  readonly #avail: Int32Array;
  readonly #prio: Uint8Array;
  readonly #pos: Int32Array;
  readonly #maxPrio: number;
  #size = 0;

  constructor(pieceCount: number, maxPrio: number) {
    this.#maxPrio = maxPrio;
    this.#buckets = Array.from({ length: maxPrio + 1 }, () => []);
    this.#avail = new Int32Array(pieceCount).fill(-1);
    this.#prio = new Uint8Array(pieceCount);
    this.#pos = new Int32Array(pieceCount);
  }

  /** Pieces bucketed. */
  get size(): number {
    return this.#size;
  }

  has(piece: number): boolean {
    return (this.#avail[piece] ?? -1) !== -1;
  }

  /** Pieces in bucket (prio, avail). */
  countAt(prio: number, avail: number): number {
    return this.#buckets[prio]?.[avail]?.length ?? 0;
  }

  insert(piece: number, prio: number, avail: number): void {
    if (this.has(piece)) return;
    const byAvail = this.#buckets[prio] as number[][];
    while (byAvail.length <= avail) byAvail.push([]);
    const arr = byAvail[avail] as number[];
    this.#pos[piece] = arr.length;
    arr.push(piece);
    this.#avail[piece] = avail;
    this.#prio[piece] = prio;
    this.#size++;
  }

  remove(piece: number): void {
    const a = this.#avail[piece] ?? -1;
    if (a === -1) return;
    const arr = this.#buckets[this.#prio[piece] ?? 0]?.[a] as number[];
    const pos = this.#pos[piece] as number;
    const last = arr.pop() as number;
    if (last !== piece) {
      arr[pos] = last;
      this.#pos[last] = pos;
    }
    this.#avail[piece] = -1;
    this.#size--;
  }

  clear(): void {
    for (const arr of this.#buckets) arr.length = 0;
    this.#avail.fill(-1);
    this.#size = 0;
  }

  /** Best fresh piece this peer has (highest priority, then rarest, random tie-break), or -1. */
  next(peerHas: PeerHas, seed: boolean, random: () => number): number {
    if (this.#size === 0) return -1;
    if (!seed) {
      const bf = peerHas as Bitfield;
      // A peer with few pieces: walking its bits is cheaper than probing big buckets for them.
      if (bf.count() * 8 < this.#size) return this.#bestOf(bf, random);
    }
    for (let prio = this.#maxPrio; prio >= 1; prio--) {
      const byAvail = this.#buckets[prio] as number[][];
      // A registered non-seed peer counts in the availability of its own pieces, so bucket 0
      // (pieces only seeds have) can hold none of them.
      for (let a = seed ? 0 : 1; a < byAvail.length; a++) {
        const arr = byAvail[a];
        if (!arr || arr.length === 0) continue;
        const len = arr.length;
        const start = Math.floor(random() * len);
        if (seed) return arr[start] as number;
        for (let k = 0; k < len; k++) {
          const p = arr[(start + k) % len] as number;
          if ((peerHas as Bitfield).get(p)) return p;
        }
      }
    }
    return -1;
  }

  /** Best bucketed piece among a peer's set bits; reservoir sampling breaks ties uniformly. */
  #bestOf(bf: Bitfield, random: () => number): number {
    let best = -1;
    let bestPrio = 0;
    let bestAvail = 0;
    let ties = 0;
    for (const p of bf.setBits()) {
      const a = this.#avail[p] ?? -1;
      if (a === -1) continue;
      const prio = this.#prio[p] ?? 0;
      const better = best === -1 || prio > bestPrio || (prio === bestPrio && a < bestAvail);
      if (better) {
        best = p;
        bestPrio = prio;
        bestAvail = a;
        ties = 1;
      } else if (prio === bestPrio && a === bestAvail) {
        ties++;
        if (random() * ties < 1) best = p;
      }
    }
    return best;
  }
}
