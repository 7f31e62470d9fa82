// Token-bucket rate limiter for the global and per-torrent upload/download limits. Pure: the
// clock is injected and nothing sleeps here — request(n) books n bytes and says how long the
// caller must wait before moving them.
//
// Debt model: a request always succeeds and may drive the bucket negative; the wait is the time
// the refill needs to bring it back to zero. That keeps requests FIFO-fair without a queue in
// here, lets a 16 KiB block through a limit smaller than a block (it just waits longer), and
// makes stacking limiters trivial: wait = max(global.request(n), torrent.request(n)).

import { TesseraError } from '../errors.ts';
import type { Clock } from './rate-meter.ts';

export interface TokenBucketOptions {
  /** Bytes per second; 0 (the default) means unlimited. */
  rate?: number;
  /** Most tokens that can pile up while idle, in bytes (default: an eighth of a second's worth, at least 16 KiB). */
  burst?: number;
  clock?: Clock;
}

export class TokenBucket {
  #rate = 0;
  #burst = 0;
  #tokens = 0;
  #last: number;
  readonly #clock: Clock;

  constructor(opts: TokenBucketOptions = {}) {
    this.#clock = opts.clock ?? (() => performance.now());
    this.#last = this.#clock();
    this.setRate(opts.rate ?? 0, opts.burst);
  }

  /** Change the limit; the bucket starts full at the new burst size. 0 = unlimited. */
  setRate(rate: number, burst?: number): void {
    if (!Number.isFinite(rate) || rate < 0) throw new TesseraError('BAD_ARGUMENT', `rate must be >= 0, got ${rate}`);
    if (burst !== undefined && (!Number.isFinite(burst) || burst <= 0)) {
      throw new TesseraError('BAD_ARGUMENT', `burst must be > 0, got ${burst}`);
    }
    this.#rate = rate;
    // A small default burst: a whole second's worth let a short download (or the first second of
    // any) run at twice the limit, which is what a user watching the rate column sees.
    this.#burst = burst ?? Math.max(rate / 8, 16 * 1024);
    this.#tokens = this.#burst;
    this.#last = this.#clock();
  }

  get rate(): number {
    return this.#rate;
  }

  get unlimited(): boolean {
    return this.#rate === 0;
  }

  /** Book `bytes` and return the milliseconds to wait before transferring them (0 = go now). */
  request(bytes: number): number {
    if (this.#rate === 0) return 0;
    this.#refill();
    this.#tokens -= Math.max(0, bytes);
    return this.#tokens >= 0 ? 0 : (-this.#tokens * 1000) / this.#rate;
  }

  /** Tokens in the bucket now (negative while in debt). */
  available(): number {
    if (this.#rate === 0) return Number.POSITIVE_INFINITY;
    this.#refill();
    return this.#tokens;
  }

  /** Give back bytes booked but never transferred (a cancelled request), so they are not lost. */
  refund(bytes: number): void {
    if (this.#rate === 0) return;
    this.#refill();
    this.#tokens = Math.min(this.#burst, this.#tokens + Math.max(0, bytes));
  }

  #refill(): void {
    const now = this.#clock();
    const dt = now - this.#last;
    if (dt <= 0) return;
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + (dt * this.#rate) / 1000);
  }
}
