// Endgame for the picker: once every wanted block is requested or received, the blocks still
// outstanding are asked of other peers too (at most `maxRequesters` per block); the first copy
// to arrive cancels the rest. Candidates are the blocks requested by fewer than maxRequesters
// peers, kept in an insertion-ordered set, so a pick costs O(blocks returned + a bounded number
// of skipped candidates), not O(blocks being downloaded). Pure.
import { BLOCK_SIZE, type BlockRequest, type DownloadingPiece } from './downloading-piece.ts';

export class EndgameCandidates {
  /** Block ids (piece * blocksPerPiece + block); stale entries are dropped lazily by pick(). */
  readonly #ids = new Set<number>();
  readonly maxRequesters: number;
  readonly #bpp: number;

  constructor(maxRequesters: number, blocksPerPiece: number) {
    this.maxRequesters = maxRequesters;
    this.#bpp = blocksPerPiece;
  }

  get size(): number {
    return this.#ids.size;
  }

  /** A block was requested (or is still requested after losing one requester): a candidate. */
  requested(id: number): void {
    if (this.maxRequesters > 1) this.#ids.add(id);
  }

  /** A block was received, or is no longer requested or downloaded. */
  forget(id: number): void {
    this.#ids.delete(id);
  }

  /**
   * Ask this peer too for blocks others have outstanding; adds to `out` (and `reqs`, the peer's
   * outstanding block ids) up to `max`. A candidate this peer cannot serve goes to the back of the
   * set, so the next peer starts on fresh ones.
   */
  pick(dls: ReadonlyMap<number, DownloadingPiece>, prio: Uint8Array, has: (piece: number) => boolean,
    peerKey: number, reqs: Set<number>, max: number, out: BlockRequest[]): void {
    let budget = Math.min(this.#ids.size, Math.max(16, 2 * max));
    for (const id of this.#ids) {
      if (out.length >= max || budget-- <= 0) break;
      const p = Math.floor(id / this.#bpp);
      const b = id - p * this.#bpp;
      const dl = dls.get(p);
      if (!dl || !dl.isRequested(b) || dl.requesterCount(b) >= this.maxRequesters) {
        this.#ids.delete(id); // stale
        continue;
      }
      if (prio[p] === 0 || !has(p) || dl.hasRequester(b, peerKey)) {
        this.#ids.delete(id);
        this.#ids.add(id);
        continue;
      }
      dl.addRequester(b, peerKey);
      if (dl.requesterCount(b) >= this.maxRequesters) this.#ids.delete(id);
      reqs.add(id);
      out.push({ piece: p, begin: b * BLOCK_SIZE, length: dl.blockLength(b) });
    }
  }
}
