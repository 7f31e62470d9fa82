// The transport-independent tracker: swarm store + allowlist + policy (intervals, numwant caps)
// + stats. The HTTP handler and the UDP server decode requests, call announce()/scrape() here
// and encode the outcome; neither keeps tracker state of its own.
import type { PeerAddress, AnnounceOutcome, StoreRefusal, SwarmLimits } from './swarm-store.ts';
import { DEFAULT_SWARM_LIMITS, SwarmStore } from './swarm-store.ts';
import { TrackerStats } from './stats.ts';
import type { AnnounceRequest } from './protocol/types.ts';
import { compactPeer } from './protocol/address.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limit.ts';

export interface TrackerOptions {
  /** Seconds between announces asked of clients. Default 1800. */
  interval?: number;
  /** `min interval` sent to clients. Default interval / 2. */
  minInterval?: number;
  /** Peers expire after peerTtlFactor × interval without an announce. Default 2. */
  peerTtlFactor?: number;
  /** Peers returned when the client does not say. Default 50. */
  defaultNumwant?: number;
  /** Cap on numwant. Default 200 (UDP replies are further cut to fit ~1,400 bytes). */
  maxNumwant?: number;
  /** Limits on swarms and peers. */
  limits?: Partial<SwarmLimits>;
  /** Only these raw 20-byte info-hashes (latin1) are served; undefined = all. */
  allowlist?: Set<string>;
  /** Per-address announce rate limit (rate-limit.ts); off when undefined (the default). */
  rateLimit?: RateLimitOptions;
  /** Clock, for tests. */
  now?: () => number;
}

export type Transport = 'http' | 'udp';

const UDP_PAYLOAD_BUDGET = 1400; // stay under a 1,500-byte MTU with IP and UDP headers

export class Tracker {
  readonly interval: number;
  readonly minInterval: number;
  readonly stats: TrackerStats;
  readonly store: SwarmStore;
  readonly #defaultNumwant: number;
  readonly #maxNumwant: number;
  readonly #now: () => number;
  #allowlist: Set<string> | undefined;
  /** Undefined when announces are not rate limited. */
  readonly rateLimiter: RateLimiter | undefined;
  #timers: NodeJS.Timeout[] = [];

  constructor(opts: TrackerOptions = {}) {
    this.interval = opts.interval ?? 1800;
    this.minInterval = opts.minInterval ?? Math.max(1, Math.floor(this.interval / 2));
    this.#defaultNumwant = opts.defaultNumwant ?? 50;
    this.#maxNumwant = opts.maxNumwant ?? 200;
    this.#now = opts.now ?? Date.now;
    this.#allowlist = opts.allowlist;
    const ttlMs = this.interval * (opts.peerTtlFactor ?? 2) * 1000;
    this.store = new SwarmStore({ ...DEFAULT_SWARM_LIMITS, ...opts.limits }, ttlMs);
    this.stats = new TrackerStats(this.#now());
    this.rateLimiter = opts.rateLimit === undefined ? undefined : new RateLimiter(opts.rateLimit);
  }

  /** Start the expiry sweep and the stats clock (unref'd timers). */
  start(): void {
    if (this.#timers.length > 0) return;
    const sweepMs = Math.min(60_000, Math.max(1000, (this.interval * 1000) / 2));
    this.#timers.push(setInterval(() => this.store.sweep(this.#now()), sweepMs).unref());
    this.#timers.push(setInterval(() => this.stats.tick(this.#now()), 1000).unref());
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
  }

  setAllowlist(hashes: Set<string> | undefined): void {
    this.#allowlist = hashes;
  }

  allowed(infoHash: string): boolean {
    return this.#allowlist === undefined || this.#allowlist.has(infoHash);
  }

  /** `withIds`: also return the picked peers' ids (the dictionary form of an HTTP reply). */
  announce(req: AnnounceRequest, from: PeerAddress, transport: Transport, withIds = false): AnnounceOutcome | StoreRefusal {
    if (!this.allowed(req.infoHash)) {
      this.stats.counts.errors++;
      return { refused: 'info-hash not allowed on this tracker' };
    }
    const now = this.#now();
    if (this.rateLimiter !== undefined && !this.rateLimiter.allow(from.bytes, now)) {
      this.stats.counts.errors++;
      return { refused: 'too many announces from your address: slow down' };
    }
    let numwant = Math.min(req.numwant ?? this.#defaultNumwant, this.#maxNumwant);
    if (transport === 'udp') numwant = Math.min(numwant, Math.floor((UDP_PAYLOAD_BUDGET - 20) / (from.family === 4 ? 6 : 18)));
    const out = this.store.announce(req, from, compactPeer(from.bytes, req.port), {
      numwant,
      families: transport === 'udp' ? 'own' : 'both',
      now,
      withIds,
    });
    if ('refused' in out) this.stats.counts.errors++;
    else this.stats.counts.announces++;
    return out;
  }

  /** Counts per info-hash, in request order; hashes not allowed read as empty swarms. */
  scrape(infoHashes: string[]): Array<{ infoHash: string; complete: number; incomplete: number; downloaded: number }> {
    this.stats.counts.scrapes++;
    return infoHashes.map((h) => ({ infoHash: h, ...(this.allowed(h) ? this.store.scrape(h) : { complete: 0, incomplete: 0, downloaded: 0 }) }));
  }

  statsJson(): Record<string, number> {
    return this.stats.json(this.#gauges(), this.#now());
  }

  statsPrometheus(): string {
    return this.stats.prometheus(this.#gauges(), this.#now());
  }

  #gauges(): { torrents: number; peers: number; seeders: number } {
    return { torrents: this.store.swarmCount, peers: this.store.peerCount, seeders: this.store.seederCount() };
  }
}
