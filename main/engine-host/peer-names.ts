// Reverse-DNS names for the peer table, looked up off the hot path: the detail snapshot asks for
// a name and gets whatever is cached right now; a miss starts a background lookup (getnameinfo,
// which runs in libuv's thread pool and honours /etc/hosts) whose answer shows on a later tick.
// Bounded: a capped cache with a TTL (negative answers cached too), a cap on lookups in flight,
// and a timeout per lookup, so a swarm of hundreds of peers cannot flood the resolver.
import { promises as dns } from 'node:dns';
import type { TorrentDetail } from '../../shared/snapshot.ts';

export interface PeerNamesOptions {
  /** Resolves an IP to a host name; throws or returns '' when there is none. */
  resolve?: (ip: string) => Promise<string>;
  maxEntries?: number;
  ttlMs?: number;
  maxInFlight?: number;
  timeoutMs?: number;
  now?: () => number;
}

interface Entry { name: string; at: number }

async function getnameinfo(ip: string): Promise<string> {
  const { hostname } = await dns.lookupService(ip, 0);
  // getnameinfo answers the address itself when it knows no name.
  return hostname === ip ? '' : hostname;
}

export class PeerNames {
  readonly #resolve: (ip: string) => Promise<string>;
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #maxInFlight: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  /** Insertion-ordered: the oldest entry is evicted first. */
  readonly #cache = new Map<string, Entry>();
  readonly #inFlight = new Set<string>();

  constructor(opts: PeerNamesOptions = {}) {
    this.#resolve = opts.resolve ?? getnameinfo;
    this.#maxEntries = opts.maxEntries ?? 4096;
    this.#ttlMs = opts.ttlMs ?? 60 * 60_000;
    this.#maxInFlight = opts.maxInFlight ?? 4;
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    this.#now = opts.now ?? Date.now;
  }

  /** The cached name of `ip` ('' = known to have none), or undefined while unknown (a lookup starts). */
  name(ip: string): string | undefined {
    const hit = this.#cache.get(ip);
    if (hit !== undefined && this.#now() - hit.at < this.#ttlMs) return hit.name;
    this.#lookup(ip);
    return hit?.name;
  }

  /** The detail with `hostname` set on every peer whose name is known. */
  annotate(detail: TorrentDetail): TorrentDetail {
    let changed = false;
    const peers = detail.peers.map((p) => {
      const name = this.name(p.ip);
      if (!name || p.hostname === name) return p;
      changed = true;
      return { ...p, hostname: name };
    });
    return changed ? { ...detail, peers } : detail;
  }

  #lookup(ip: string): void {
    if (this.#inFlight.has(ip) || this.#inFlight.size >= this.#maxInFlight) return;
    this.#inFlight.add(ip);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(''), this.#timeoutMs);
      timer.unref?.();
    });
    void Promise.race([this.#resolve(ip).catch(() => ''), timeout])
      .then((name) => this.#store(ip, name))
      .finally(() => {
        clearTimeout(timer);
        this.#inFlight.delete(ip);
      });
  }

  #store(ip: string, name: string): void {
    this.#cache.delete(ip);
    this.#cache.set(ip, { name, at: this.#now() });
    while (this.#cache.size > this.#maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
  }
}
