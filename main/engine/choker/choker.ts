// Who gets to download from us. Pure: peers and the clock in, the set to unchoke out. The caller
// runs it every 10 s (and when an unchoked peer leaves or loses interest) and sends CHOKE/UNCHOKE
// for the difference.
//
// Tit-for-tat (BEP 3 / mainline): of the `slots` upload slots, all but one go to the interested
// peers that are best to us — while leeching, those that send us the most (downRate); while
// seeding, those we send to fastest (upRate), which moves data out fastest. The last slot is the
// optimistic unchoke: a random interested peer, rotated every 30 s (three 10 s rounds), newly
// connected peers three times as likely so that they get a first piece to trade with. That slot is
// also how a snubbing peer (no block for 60 s) keeps a chance: snubbed peers never win a regular
// slot. Peers that are not interested are never unchoked (they would just sit on a slot);
// seeds never need data from us.

import type { Clock } from '../rate/rate-meter.ts';

export interface ChokerPeer {
  key: number;
  /** The peer is interested in our pieces. */
  interested: boolean;
  /** Bytes/s we receive from this peer. */
  downRate: number;
  /** Bytes/s we send to this peer. */
  upRate: number;
  isSeed: boolean;
  /** No block from them for a while though we asked (RequestPipeline.snubbed). */
  snubbed: boolean;
  /** When we connected (same clock as the choker). */
  connectedAt: number;
}

export type ChokerMode = 'leeching' | 'seeding';

export interface ChokerOptions {
  /** Upload slots, optimistic included (default 4, as mainline). */
  slots?: number;
  optimisticIntervalMs?: number;
  /** A peer connected for less than this is "new" and gets 3× the optimistic weight (default 60 s). */
  newPeerMs?: number;
  random?: () => number;
  clock?: Clock;
}

export class Choker {
  #slots: number;
  readonly #interval: number;
  readonly #newPeerMs: number;
  readonly #random: () => number;
  readonly #clock: Clock;
  #optimistic: number | undefined;
  #optimisticSince = Number.NEGATIVE_INFINITY;

  constructor(opts: ChokerOptions = {}) {
    this.#slots = Math.max(1, Math.floor(opts.slots ?? 4));
    this.#interval = opts.optimisticIntervalMs ?? 30_000;
    this.#newPeerMs = opts.newPeerMs ?? 60_000;
    this.#random = opts.random ?? Math.random;
    this.#clock = opts.clock ?? (() => performance.now());
  }

  setSlots(slots: number): void {
    this.#slots = Math.max(1, Math.floor(slots));
  }

  /** The current optimistic unchoke, if any. */
  get optimistic(): number | undefined {
    return this.#optimistic;
  }

  /** The keys to have unchoked after this round. */
  run(peers: readonly ChokerPeer[], mode: ChokerMode): Set<number> {
    const now = this.#clock();
    const candidates = peers.filter((p) => p.interested && !p.isSeed);
    const rate = mode === 'leeching' ? (p: ChokerPeer) => p.downRate : (p: ChokerPeer) => p.upRate;
    // Regular slots: best rate first; snubbed peers only ever get the optimistic slot.
    const ranked = candidates.filter((p) => !p.snubbed).sort((a, b) => rate(b) - rate(a) || a.key - b.key);
    const regularSlots = this.#slots > 1 ? this.#slots - 1 : 0;
    const unchoke = new Set<number>();
    for (const p of ranked) {
      if (unchoke.size >= regularSlots) break;
      unchoke.add(p.key);
    }

    const current = candidates.find((p) => p.key === this.#optimistic);
    const due = now - this.#optimisticSince >= this.#interval;
    if (!current || due || unchoke.has(current.key)) {
      this.#optimistic = this.#pickOptimistic(candidates, unchoke, now);
      this.#optimisticSince = now;
    }
    if (this.#optimistic !== undefined) {
      unchoke.add(this.#optimistic);
    }
    // Fewer deserving peers than regular slots: no reason to leave a slot empty.
    for (const p of candidates) {
      if (unchoke.size >= this.#slots) break;
      unchoke.add(p.key);
    }
    return unchoke;
  }

  /** A random interested peer not already unchoked; new peers weigh 3, others 1. */
  #pickOptimistic(candidates: readonly ChokerPeer[], taken: ReadonlySet<number>, now: number): number | undefined {
    let total = 0;
    const pool: Array<{ key: number; w: number }> = [];
    for (const p of candidates) {
      if (taken.has(p.key)) continue;
      const w = now - p.connectedAt < this.#newPeerMs ? 3 : 1;
      pool.push({ key: p.key, w });
      total += w;
    }
    if (total === 0) return undefined;
    let x = this.#random() * total;
    for (const e of pool) {
      x -= e.w;
      if (x < 0) return e.key;
    }
    return pool[pool.length - 1]?.key;
  }
}
