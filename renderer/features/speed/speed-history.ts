// Rate history for the Speed tab: one sample a second of the session's down/up rates and of each
// active torrent's, the last 5 minutes of each in fixed rings. Bounded: at most MAX_TORRENTS
// torrents are tracked (the ones idle longest are dropped first). Pure: the caller passes time.

export const SECONDS = 300;
export const MAX_TORRENTS = 200;

export interface Series { t: number[]; down: number[]; up: number[] }

class Ring {
  readonly t = new Float64Array(SECONDS);
  readonly down = new Float64Array(SECONDS);
  readonly up = new Float64Array(SECONDS);
  n = 0;
  head = 0;
  lastActive = 0;
  push(t: number, down: number, up: number): void {
    this.t[this.head] = t; this.down[this.head] = down; this.up[this.head] = up;
    this.head = (this.head + 1) % SECONDS;
    if (this.n < SECONDS) this.n++;
    if (down > 0 || up > 0) this.lastActive = t;
  }
  reset(): this { this.n = 0; this.head = 0; this.lastActive = 0; return this; }
  series(): Series {
    const out: Series = { t: [], down: [], up: [] };
    const start = (this.head - this.n + SECONDS) % SECONDS;
    for (let i = 0; i < this.n; i++) {
      const k = (start + i) % SECONDS;
      out.t.push(this.t[k] ?? 0); out.down.push(this.down[k] ?? 0); out.up.push(this.up[k] ?? 0);
    }
    return out;
  }
}

export interface RateSample { id: string; downRate: number; upRate: number }

export class SpeedHistory {
  readonly #session = new Ring();
  readonly #torrents = new Map<string, Ring>();
  /** Rings of dropped torrents, reused: each is 7 KiB of typed arrays, and allocating them every
   *  second for hundreds of active torrents was the renderer's largest JS cost (bench:ui profile). */
  readonly #free: Ring[] = [];

  /** One sample at time `t` (seconds): the session's rates and every torrent row's. */
  sample(t: number, session: { downRate: number; upRate: number } | null, rows: Iterable<RateSample>, keep?: string | null): void {
    this.#session.push(t, session?.downRate ?? 0, session?.upRate ?? 0);
    const seen = new Set<string>();
    // When full, a newly active torrent takes the place of the one idle longest, and only of one
    // idle before `t`: with more than MAX_TORRENTS active at once the tracked ones keep their
    // history instead of being swapped out (and re-allocated) every second.
    let victims: Array<[string, Ring]> | null = null;
    let vi = 0;
    for (const r of rows) {
      seen.add(r.id);
      let ring = this.#torrents.get(r.id);
      if (!ring) {
        // Idle torrents get no history until they move (or are the one on screen).
        if (r.downRate <= 0 && r.upRate <= 0 && r.id !== keep) continue;
        if (this.#torrents.size >= MAX_TORRENTS) {
          victims ??= [...this.#torrents.entries()].filter(([id, g]) => id !== keep && g.lastActive < t).sort((a, b) => a[1].lastActive - b[1].lastActive);
          let v = victims[vi++];
          while (v && (v[1].lastActive >= t || this.#torrents.get(v[0]) !== v[1])) v = victims[vi++];
          if (v) this.#drop(v[0]);
          else if (r.id !== keep) continue;
        }
        ring = this.#free.pop()?.reset() ?? new Ring();
        this.#torrents.set(r.id, ring);
      }
      ring.push(t, r.downRate, r.upRate);
    }
    for (const id of this.#torrents.keys()) if (!seen.has(id)) this.#drop(id); // removed torrents
    if (this.#torrents.size > MAX_TORRENTS) {
      const byIdle = [...this.#torrents.entries()].filter(([id]) => id !== keep).sort((a, b) => a[1].lastActive - b[1].lastActive);
      for (const [id] of byIdle.slice(0, this.#torrents.size - MAX_TORRENTS)) this.#drop(id);
    }
  }

  #drop(id: string): void {
    const ring = this.#torrents.get(id);
    if (!ring) return;
    this.#torrents.delete(id);
    // The pool never holds more than the map could (bounded like everything else).
    if (this.#free.length < MAX_TORRENTS) this.#free.push(ring);
  }

  session(): Series { return this.#session.series(); }
  torrent(id: string): Series | null { return this.#torrents.get(id)?.series() ?? null; }
  get tracked(): number { return this.#torrents.size; }
}
