// Per-source-address announce rate limiting: a token bucket per client address in a table of
// bounded size. Pure (the caller passes the clock), O(1) per request.
//
// - IPv6 clients are keyed by their /64 (by default): one subscriber usually holds a whole /64,
//   so keying by full address would let a single host rotate through 2^64 fresh buckets.
// - The table holds at most `maxAddresses` buckets; the least recently used one is dropped to
//   make room (a Map keeps insertion order, and a hit is re-inserted at the end). An attacker
//   spraying source addresses can therefore only evict buckets, never grow memory; an evicted
//   client comes back with a full bucket, which errs on the side of serving it.
// - Memory: about 150 bytes per tracked address (Map entry, key string, bucket object);
//   65,536 addresses (the default cap) is about 10 MB.
// Off unless configured (TrackerOptions.rateLimit): loopback benchmarks send every announce
// from 127.0.0.1, and a tracker behind NAT-heavy networks may want generous settings.

export interface RateLimitOptions {
  /** Sustained announces per second allowed per address. */
  perSecond: number;
  /** Bucket size: announces allowed in a burst. Default max(1, 10 × perSecond). */
  burst?: number;
  /** Most addresses tracked at once (LRU beyond that). Default 65,536. */
  maxAddresses?: number;
  /** Leading bytes of an IPv6 address that identify a client. Default 8 (a /64). */
  ipv6PrefixBytes?: number;
}

interface Bucket { tokens: number; last: number }

export class RateLimiter {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #max: number;
  readonly #v6Prefix: number;
  readonly #buckets = new Map<string, Bucket>();
  /** Requests refused since creation. */
  refused = 0;

  constructor(o: RateLimitOptions) {
    if (!(o.perSecond > 0) || !Number.isFinite(o.perSecond)) throw new RangeError('rateLimit.perSecond must be a positive number');
    this.#perMs = o.perSecond / 1000;
    this.#burst = Math.max(1, o.burst ?? Math.ceil(10 * o.perSecond));
    this.#max = Math.max(1, Math.floor(o.maxAddresses ?? 65_536));
    this.#v6Prefix = Math.min(16, Math.max(1, Math.floor(o.ipv6PrefixBytes ?? 8)));
  }

  /** Addresses currently tracked (never more than maxAddresses). */
  get size(): number { return this.#buckets.size; }

  /**
   * Take one token for the client at `bytes` (4 or 16 raw address bytes, latin1) at time `now`
   * (ms). True when the request may proceed.
   */
  allow(bytes: string, now: number): boolean {
    const key = bytes.length === 16 ? bytes.slice(0, this.#v6Prefix) : bytes;
    const b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= this.#max) {
        const oldest = this.#buckets.keys().next();
        if (oldest.done !== true) this.#buckets.delete(oldest.value);
      }
      this.#buckets.set(key, { tokens: this.#burst - 1, last: now });
      return true;
    }
    // Refill; a clock that steps back refills nothing (and does not drain either).
    const elapsed = now - b.last;
    if (elapsed > 0) {
      b.tokens = Math.min(this.#burst, b.tokens + elapsed * this.#perMs);
      b.last = now;
    }
    // Most recently used goes last, so eviction takes the least recently used.
    this.#buckets.delete(key);
    this.#buckets.set(key, b);
    if (b.tokens < 1) {
      this.refused++;
      return false;
    }
    b.tokens -= 1;
    return true;
  }
}
