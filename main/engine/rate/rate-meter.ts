// Sliding-window transfer rate (bytes/s). Pure: the clock is injected, so tests drive time.
//
// The window is a ring of fixed-width slots plus a running sum, so add() and rate() are O(1)
// amortised: advancing the clock clears at most `slots` slots however long the gap was. A rate is
// the sum over the window divided by the window's span — or, while the meter is younger than one
// window, by its age, so a fresh connection does not read as 1/5 of its real speed for 5 s.

import { TesseraError } from '../errors.ts';

export type Clock = () => number; // milliseconds, monotonic (performance.now or Date.now)

export interface RateMeterOptions {
  /** Window length in ms (default 5000, libtorrent's rate averaging is about this long). */
  windowMs?: number;
  /** Slot width in ms (default 250): the resolution at which old bytes leave the window. */
  slotMs?: number;
  clock?: Clock;
}

export class RateMeter {
  readonly #slots: Float64Array;
  readonly #slotMs: number;
  readonly #clock: Clock;
  /** Index (in absolute slot numbers: floor(t / slotMs)) of the newest slot in the ring. */
  #head: number;
  #sum = 0;
  #total = 0;
  readonly #start: number;

  constructor(opts: RateMeterOptions = {}) {
    const windowMs = opts.windowMs ?? 5000;
    const slotMs = opts.slotMs ?? 250;
    if (!(slotMs > 0) || !(windowMs >= slotMs)) {
      throw new TesseraError('BAD_ARGUMENT', `rate meter needs 0 < slotMs <= windowMs (got ${slotMs}, ${windowMs})`);
    }
    this.#slotMs = slotMs;
    this.#slots = new Float64Array(Math.ceil(windowMs / slotMs));
    this.#clock = opts.clock ?? (() => performance.now());
    this.#start = this.#clock();
    this.#head = Math.floor(this.#start / slotMs);
  }

  /** Record `bytes` transferred now. */
  add(bytes: number): void {
    if (!(bytes > 0)) return;
    this.#advance(this.#clock());
    const i = mod(this.#head, this.#slots.length);
    this.#slots[i] = (this.#slots[i] ?? 0) + bytes;
    this.#sum += bytes;
    this.#total += bytes;
  }

  /** Bytes per second over the window ending now. */
  rate(): number {
    const now = this.#clock();
    this.#advance(now);
    const windowMs = this.#slots.length * this.#slotMs;
    // Young meter: divide by its age (at least one slot) rather than by the whole window.
    const span = Math.min(windowMs, Math.max(this.#slotMs, now - this.#start));
    // Guard against float drift making an empty window read as a tiny negative rate.
    return this.#sum <= 0 ? 0 : (this.#sum * 1000) / span;
  }

  /** All bytes ever added (for the session's uploaded/downloaded counters). */
  get total(): number {
    return this.#total;
  }

  #advance(now: number): void {
    const slot = Math.floor(now / this.#slotMs);
    let steps = slot - this.#head;
    if (steps <= 0) return; // clock went backwards or same slot: keep counting into the head
    const n = this.#slots.length;
    if (steps >= n) {
      this.#slots.fill(0);
      this.#sum = 0;
      this.#head = slot;
      return;
    }
    while (steps-- > 0) {
      this.#head++;
      const i = mod(this.#head, n);
      this.#sum -= this.#slots[i] ?? 0;
      this.#slots[i] = 0;
    }
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
