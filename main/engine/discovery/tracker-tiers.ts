// BEP 12 multitracker tiers, pure: shuffle the URLs within each tier once, try tiers in order and
// trackers in order within a tier, and move a tracker that answered to the front of its tier.

/** Trackers kept from one torrent: a hostile torrent file cannot make us announce to thousands. */
export const MAX_TRACKERS = 50;

export interface TierEntry {
  url: string;
  tier: number;
}

export class TrackerTiers {
  #tiers: string[][];

  constructor(tiers: readonly (readonly string[])[], random: () => number = Math.random) {
    const seen = new Set<string>();
    let total = 0;
    this.#tiers = [];
    for (const tier of tiers) {
      const kept: string[] = [];
      for (const url of tier) {
        if (total >= MAX_TRACKERS) break;
        const u = url.trim();
        if (u === '' || seen.has(u)) continue;
        seen.add(u);
        kept.push(u);
        total++;
      }
      if (kept.length === 0) continue;
      // Fisher-Yates, once: BEP 12 asks for a random order per tier, then a stable one.
      for (let i = kept.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const a = kept[i] as string;
        kept[i] = kept[j] as string;
        kept[j] = a;
      }
      this.#tiers.push(kept);
    }
  }

  /** Every tracker in the order to try it. */
  order(): TierEntry[] {
    const out: TierEntry[] = [];
    this.#tiers.forEach((tier, i) => {
      for (const url of tier) out.push({ url, tier: i });
    });
    return out;
  }

  get tierCount(): number {
    return this.#tiers.length;
  }

  /** The tiers as they stand (tried order within each tier), for saving a user-edited list. */
  list(): string[][] {
    return this.#tiers.map((t) => [...t]);
  }

  has(url: string): boolean {
    return this.#tiers.some((t) => t.includes(url));
  }

  /** Adds a tracker last in tier `tier` (a tier past the end becomes a new last tier). False when it is
   *  already there or the cap is reached: a user's add obeys the same bound as a torrent file. */
  add(url: string, tier: number = this.#tiers.length): boolean {
    const u = url.trim();
    if (u === '' || this.has(u) || this.order().length >= MAX_TRACKERS) return false;
    const t = Number.isInteger(tier) && tier >= 0 ? this.#tiers[tier] : undefined;
    if (t === undefined) this.#tiers.push([u]); else t.push(u);
    return true;
  }

  /** Removes a tracker; a tier left empty goes, so later tiers move up one. False when absent. */
  remove(url: string): boolean {
    for (const [i, tier] of this.#tiers.entries()) {
      const j = tier.indexOf(url);
      if (j < 0) continue;
      tier.splice(j, 1);
      if (tier.length === 0) this.#tiers.splice(i, 1);
      return true;
    }
    return false;
  }

  /** A tracker answered: it goes first in its tier (BEP 12). */
  promote(url: string): void {
    for (const tier of this.#tiers) {
      const i = tier.indexOf(url);
      if (i > 0) {
        tier.splice(i, 1);
        tier.unshift(url);
      }
      if (i >= 0) return;
    }
  }
}
