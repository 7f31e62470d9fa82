// The swarm store: every torrent's peers, found by (info-hash, ip, port) in O(1).
//
// Per swarm and address family a PeerPool keeps seeders and leechers in two dense arrays (for
// O(numwant) random sampling by index) plus a Map from the compact address (ip+port bytes) to the
// peer (for O(1) lookup); a peer knows its array index, so removal is a swap with the last slot.
// Seeders are only sent leechers; the requester is never in its own list; peers that stop
// announcing expire after `peerTtlMs`. Sizes are bounded: swarms in total, peers in total and
// peers per swarm.
//
// Memory, measured by bench/tracker-memory.ts (heap used after GC, before and after announcing
// 100k IPv4 peers into 1,000 swarms; Node 20, x64, pointer compression off): about 190 bytes
// per peer — the Peer object (5 fields), its Map entry (with the hash table's slack), the
// 6-byte compact address (a flat string, shared as the Map key) and the 20-byte peer id string,
// plus its slot in the seeders/leechers array. `npm run bench:tracker` prints the figure.
import { sampleIndices } from './random-sample.ts';
import type { Family } from './protocol/address.ts';
import type { AnnounceRequest } from './protocol/types.ts';

export interface SwarmLimits {
  maxSwarms: number;
  maxPeers: number;
  maxPeersPerSwarm: number;
}

export const DEFAULT_SWARM_LIMITS: SwarmLimits = { maxSwarms: 200_000, maxPeers: 2_000_000, maxPeersPerSwarm: 50_000 };

interface Peer {
  /** Compact address: 4 or 16 address bytes + 2 port bytes (latin1). Also the Map key. */
  addr: string;
  id: string;
  seeder: boolean;
  /** Index in its pool's seeders or leechers array. */
  index: number;
  expires: number;
}

class PeerPool {
  readonly seeders: Peer[] = [];
  readonly leechers: Peer[] = [];
  readonly byAddr = new Map<string, Peer>();

  get size(): number { return this.byAddr.size; }

  add(p: Peer): void {
    const list = p.seeder ? this.seeders : this.leechers;
    p.index = list.length;
    list.push(p);
    this.byAddr.set(p.addr, p);
  }

  remove(p: Peer): void {
    this.detach(p);
    this.byAddr.delete(p.addr);
  }

  setSeeder(p: Peer, seeder: boolean): void {
    if (p.seeder === seeder) return;
    this.detach(p);
    p.seeder = seeder;
    const list = seeder ? this.seeders : this.leechers;
    p.index = list.length;
    list.push(p);
  }

  private detach(p: Peer): void {
    const list = p.seeder ? this.seeders : this.leechers;
    const last = list.pop();
    if (last !== undefined && last !== p) {
      list[p.index] = last;
      last.index = p.index;
    }
  }

  /**
   * Up to k peers for a requester: only leechers when it seeds, everyone otherwise; never
   * `self`. Indices range over seeders then leechers; self's slot is skipped by shifting.
   */
  sample(k: number, requesterSeeds: boolean, self: Peer | undefined, out: Peer[]): void {
    const s = requesterSeeds ? 0 : this.seeders.length;
    const n = s + this.leechers.length;
    let skip = -1;
    if (self !== undefined && this.byAddr.get(self.addr) === self) {
      if (self.seeder && !requesterSeeds) skip = self.index;
      else if (!self.seeder) skip = s + self.index;
    }
    const m = skip >= 0 ? n - 1 : n;
    for (let i of sampleIndices(m, k)) {
      if (skip >= 0 && i >= skip) i++;
      const p = i < s ? this.seeders[i] : this.leechers[i - s];
      if (p !== undefined) out.push(p);
    }
  }

  sweep(now: number): number {
    let removed = 0;
    for (const list of [this.seeders, this.leechers]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const p = list[i];
        if (p !== undefined && p.expires <= now) { this.remove(p); removed++; }
      }
    }
    return removed;
  }
}

class Swarm {
  readonly v4 = new PeerPool();
  v6: PeerPool | undefined;
  downloaded = 0;

  pool(family: Family, create: boolean): PeerPool | undefined {
    if (family === 4) return this.v4;
    if (this.v6 === undefined && create) this.v6 = new PeerPool();
    return this.v6;
  }

  get complete(): number { return this.v4.seeders.length + (this.v6?.seeders.length ?? 0); }
  get incomplete(): number { return this.v4.leechers.length + (this.v6?.leechers.length ?? 0); }
  get size(): number { return this.v4.size + (this.v6?.size ?? 0); }
}

export interface PeerAddress { family: Family; bytes: string }

/** What a reply needs of a peer: its compact address and its id. */
export interface PeerEntry { readonly addr: string; readonly id: string }

export interface AnnounceOutcome {
  complete: number;
  incomplete: number;
  /** IPv4 peers picked for the requester (compact addresses of 6 bytes). */
  peers4: readonly PeerEntry[];
  /** IPv6 peers picked for the requester (compact addresses of 18 bytes). */
  peers6: readonly PeerEntry[];
  warning?: string;
}

export interface AnnounceOptions {
  /** Peers to return, already capped by the caller. */
  numwant: number;
  /** 'own': only the requester's address family (UDP); 'both': fill up from the other (HTTP). */
  families: 'own' | 'both';
  now: number;
}

export type StoreRefusal = { refused: string };

export class SwarmStore {
  readonly #swarms = new Map<string, Swarm>();
  readonly #limits: SwarmLimits;
  readonly #peerTtlMs: number;
  #peers = 0;

  constructor(limits: SwarmLimits, peerTtlMs: number) {
    this.#limits = limits;
    this.#peerTtlMs = peerTtlMs;
  }

  get swarmCount(): number { return this.#swarms.size; }
  get peerCount(): number { return this.#peers; }

  /** Seeder count over all swarms (walks the swarms: for the stats endpoint, not per request). */
  seederCount(): number {
    let n = 0;
    for (const s of this.#swarms.values()) n += s.complete;
    return n;
  }

  announce(req: AnnounceRequest, from: PeerAddress, addr: string, opts: AnnounceOptions): AnnounceOutcome | StoreRefusal {
    let swarm = this.#swarms.get(req.infoHash);
    if (swarm === undefined) {
      if (req.event === 'stopped') return { complete: 0, incomplete: 0, peers4: [], peers6: [] };
      if (this.#swarms.size >= this.#limits.maxSwarms) return { refused: 'tracker is full (too many torrents)' };
      swarm = new Swarm();
      this.#swarms.set(req.infoHash, swarm);
    }
    const pool = swarm.pool(from.family, true) as PeerPool;
    let peer = pool.byAddr.get(addr);
    if (req.event === 'stopped') {
      if (peer !== undefined) {
        // A leecher that leaves with nothing left finished without a 'completed' event (aria2
        // with --seed-time=0 does this): it is still a download.
        if (!peer.seeder && req.left === 0) swarm.downloaded++;
        pool.remove(peer);
        this.#peers--;
      }
      if (swarm.size === 0) this.#swarms.delete(req.infoHash);
      return { complete: swarm.complete, incomplete: swarm.incomplete, peers4: [], peers6: [] };
    }
    const seeder = req.left === 0 || (req.left === undefined && req.event === 'completed');
    // Downloads: a 'completed' event, or a known leecher now reporting left=0 (counted once).
    if ((req.event === 'completed' && peer?.seeder !== true) || (peer !== undefined && !peer.seeder && seeder)) swarm.downloaded++;
    let warning: string | undefined;
    if (peer !== undefined) {
      peer.id = req.peerId;
      peer.expires = opts.now + this.#peerTtlMs;
      pool.setSeeder(peer, seeder);
    } else if (swarm.size >= this.#limits.maxPeersPerSwarm || this.#peers >= this.#limits.maxPeers) {
      warning = 'swarm is full: you were not added, but here are some peers';
    } else {
      peer = { addr, id: req.peerId, seeder, index: 0, expires: opts.now + this.#peerTtlMs };
      pool.add(peer);
      this.#peers++;
    }
    const picked: Peer[] = [];
    pool.sample(opts.numwant, seeder, peer, picked);
    const own = picked.length;
    if (opts.families === 'both' && own < opts.numwant) {
      swarm.pool(from.family === 4 ? 6 : 4, false)?.sample(opts.numwant - own, seeder, undefined, picked);
    }
    const v4first = from.family === 4;
    const ownPeers = own === picked.length ? picked : picked.slice(0, own);
    const otherPeers = own === picked.length ? [] : picked.slice(own);
    const out: AnnounceOutcome = {
      complete: swarm.complete, incomplete: swarm.incomplete,
      peers4: v4first ? ownPeers : otherPeers, peers6: v4first ? otherPeers : ownPeers,
    };
    if (warning !== undefined) out.warning = warning;
    return out;
  }

  scrape(infoHash: string): { complete: number; incomplete: number; downloaded: number } {
    const s = this.#swarms.get(infoHash);
    if (s === undefined) return { complete: 0, incomplete: 0, downloaded: 0 };
    return { complete: s.complete, incomplete: s.incomplete, downloaded: s.downloaded };
  }

  /** Drop peers whose last announce is older than the TTL, and empty swarms. Returns peers dropped. */
  sweep(now: number): number {
    let removed = 0;
    for (const [hash, s] of this.#swarms) {
      removed += s.v4.sweep(now) + (s.v6?.sweep(now) ?? 0);
      if (s.v6 !== undefined && s.v6.size === 0) s.v6 = undefined;
      if (s.size === 0) this.#swarms.delete(hash);
    }
    this.#peers -= removed;
    return removed;
  }
}
