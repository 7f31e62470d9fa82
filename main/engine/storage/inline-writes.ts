// Whether FsStore writes a piece on the calling thread (synchronous pwrite) or through the libuv
// thread pool. Into the page cache a 128 KiB write takes tens of µs, and the pool's hand-offs cost
// more than that: eight jobs per piece, each waking a pool thread and then the event loop, and on
// a VM each wake-up is an inter-processor interrupt. Measured leeching 1 GiB from libtorrent on the
// 2-core VM: 3.4-4.1 CPU s/GiB written inline vs 3.8-4.9 through the pool, alternating runs.
// A dedicated writer thread (one message each way per piece) measured no better than the pool.
//
// But a write can block: the kernel throttles writers when dirty pages pile up faster than the
// disk drains them (a slow USB stick, a network share), and a blocked event loop stalls every
// peer. So a piece whose writes took longer than `slowMs` sends the store to the thread pool for
// `backoffMs`, after which it tries inline again. Pure: the clock is injected.

export interface InlineWritesOptions {
  /** A synchronous write taking longer than this (ms) means the disk is pushing back. */
  slowMs?: number;
  /** How long to use the thread pool after a slow write (ms). */
  backoffMs?: number;
  clock?: () => number;
}

export class InlineWrites {
  readonly #slowMs: number;
  readonly #backoffMs: number;
  readonly #clock: () => number;
  #poolUntil = -Infinity;

  constructor(opts: InlineWritesOptions = {}) {
    this.#slowMs = opts.slowMs ?? 5;
    this.#backoffMs = opts.backoffMs ?? 10_000;
    this.#clock = opts.clock ?? (() => performance.now());
  }

  /** Write the next piece on the calling thread? */
  get now(): boolean {
    return this.#clock() >= this.#poolUntil;
  }

  /** How long an inline write took (ms). */
  took(ms: number): void {
    if (ms > this.#slowMs) this.#poolUntil = this.#clock() + this.#backoffMs;
  }
}
