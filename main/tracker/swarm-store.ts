// The swarm store: every torrent's peers, found by (info-hash, ip, port) in O(1).
//
// Per swarm and address family a PeerPool keeps seeders and leechers in two dense arrays (for
// O(numwant) random sampling by index) plus a Map from the compact address (ip+port bytes) to the
// peer (for O(1) lookup); a peer knows its array index, so removal is a swap with the last slot.
// Beside each dense array the pool keeps the same peers' compact addresses, pre-encoded and
// contiguous in a Uint8Array (BEP 23: 6 bytes per IPv4 peer, 18 per IPv6), moved in step with
// the array. A reply copies its numwant picks from there: the profile showed that reading each
// picked peer's address string cost a cache miss or two per peer (peer objects are scattered
// over the heap) and was the largest cost of an announce; a swarm's byte pool is a few cache lines.
// Seeders are only sent leechers; the requester is never in its own list; peers that stop
// announcing expire after `peerTtlMs`. Sizes are bounded: swarms in total, peers in total and
// peers per swarm.
//
// Memory, measured by bench/tracker-memory.ts (heap used after GC, before and after announcing
// 100k IPv4 peers into 1,000 swarms; Node 20, x64, pointer compression off): about 200 bytes
// per peer — the Peer object (5 fields), its Map entry (with the hash table's slack), the
// 6-byte compact address (a flat string, shared as the Map key) and the 20-byte peer id string,
// plus its slot in the seeders/leechers array and its 6 bytes in the pool (grown by doubling).
// `npm run bench:tracker` prints the figure.
import { sampleInto } from './random-sample.ts';
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

/** One dense array of peers and their compact addresses, index for index. */
class PeerList {
  readonly peers: Peer[] = [];
  bytes: Uint8Array;
  readonly #width: number;

  constructor(width: number) {
    this.#width = width;
    this.bytes = new Uint8Array(width * 4);
  }

  get length(): number { return this.peers.length; }

  push(p: Peer): void {
    const w = this.#width;
    const i = this.peers.length;
    if ((i + 1) * w > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    const a = p.addr;
    const b = this.bytes;
    for (let k = 0, o = i * w; k < w; k++) b[o + k] = a.charCodeAt(k);
    p.index = i;
    this.peers.push(p);
  }

  /** Remove p (which is in this list) by moving the last peer into its slot. */
  remove(p: Peer): void {
    const last = this.peers.pop();
    const n = this.peers.length;
    const w = this.#width;
    if (last !== undefined && last !== p) {
      this.peers[p.index] = last;
      this.bytes.copyWithin(p.index * w, n * w, n * w + w);
      last.index = p.index;
    }
    // Give memory back when a swarm shrinks to a quarter of its pool (sweeps after a flash crowd).
    if (this.bytes.length > 64 * w && n * w * 4 < this.bytes.length) this.bytes = this.bytes.slice(0, this.bytes.length / 2);
  }
}

class PeerPool {
  readonly seeders: PeerList;
  readonly leechers: PeerList;
  readonly byAddr = new Map<string, Peer>();
  /** Bytes of one compact address: 6 (IPv4) or 18 (IPv6). */
  readonly width: number;

  constructor(family: Family) {
    this.width = family === 4 ? 6 : 18;
    this.seeders = new PeerList(this.width);
    this.leechers = new PeerList(this.width);
  }

  get size(): number { return this.byAddr.size; }

  add(p: Peer): void {
    (p.seeder ? this.seeders : this.leechers).push(p);
    this.byAddr.set(p.addr, p);
  }

  remove(p: Peer): void {
    (p.seeder ? this.seeders : this.leechers).remove(p);
    this.byAddr.delete(p.addr);
  }

  setSeeder(p: Peer, seeder: boolean): void {
    if (p.seeder === seeder) return;
    (p.seeder ? this.seeders : this.leechers).remove(p);
    p.seeder = seeder;
    (seeder ? this.seeders : this.leechers).push(p);
  }

  /** How many peers a requester can be sent from this pool (sample's n, self excluded). */
  candidates(requesterSeeds: boolean, self: Peer | undefined): number {
    const n = (requesterSeeds ? 0 : this.seeders.length) + this.leechers.length;
    return self !== undefined && (!self.seeder || !requesterSeeds) && this.byAddr.get(self.addr) === self ? n - 1 : n;
  }

  /**
   * Up to k peers for a requester: only leechers when it seeds, everyone otherwise; never
   * `self`. Indices range over seeders then leechers; self's slot is skipped by shifting.
   * Writes their compact addresses into `out` from `off` (and their ids into `ids` when given);
   * returns the offset after the last one written.
   */
  sample(k: number, requesterSeeds: boolean, self: Peer | undefined, out: Uint8Array, off: number, ids: string[] | undefined): number {
    const s = requesterSeeds ? 0 : this.seeders.length;
    const n = s + this.leechers.length;
    let skip = -1;
    if (self !== undefined && this.byAddr.get(self.addr) === self) {
      if (self.seeder && !requesterSeeds) skip = self.index;
      else if (!self.seeder) skip = s + self.index;
    }
    const m = skip >= 0 ? n - 1 : n;
    const want = Math.min(k, m);
    if (want <= 0) return off;
    if (picks.length < want) picks = new Int32Array(Math.max(want, picks.length * 2));
    const got = sampleInto(m, want, picks);
    const w = this.width;
    const sb = this.seeders.bytes;
    const lb = this.leechers.bytes;
    for (let j = 0; j < got; j++) {
      let i = picks[j] as number;
      if (skip >= 0 && i >= skip) i++;
      const seed = i < s;
      const src = seed ? sb : lb;
      const from = (seed ? i : i - s) * w;
      for (let b = 0; b < w; b++) out[off + b] = src[from + b] as number;
      off += w;
      if (ids !== undefined) {
        const p = seed ? this.seeders.peers[i] : this.leechers.peers[i - s];
        ids.push(p === undefined ? '' : p.id);
      }
    }
    return off;
  }

  sweep(now: number): number {
    let removed = 0;
    for (const list of [this.seeders, this.leechers]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const p = list.peers[i];
        if (p !== undefined && p.expires <= now) { this.remove(p); removed++; }
      }
    }
    return removed;
  }
}

/** Scratch for PeerPool.sample's draws (the tracker is single-threaded; reused per announce). */
let picks = new Int32Array(256);

class Swarm {
  readonly v4 = new PeerPool(4);
  v6: PeerPool | undefined;
  downloaded = 0;

  pool(family: Family, create: boolean): PeerPool | undefined {
    if (family === 4) return this.v4;
    if (this.v6 === undefined && create) this.v6 = new PeerPool(6);
    return this.v6;
  }

  get complete(): number { return this.v4.seeders.length + (this.v6?.seeders.length ?? 0); }
  get incomplete(): number { return this.v4.leechers.length + (this.v6?.leechers.length ?? 0); }
  get size(): number { return this.v4.size + (this.v6?.size ?? 0); }
}

export interface PeerAddress { family: Family; bytes: string }

export interface AnnounceOutcome {
  complete: number;
  incomplete: number;
  /** The IPv4 peers picked for the requester: compact addresses, 6 bytes each (BEP 23). */
  compact4: Uint8Array;
  /** The IPv6 peers picked for the requester: compact addresses, 18 bytes each (BEP 7). */
  compact6: Uint8Array;
  /** The picked peers' ids, entry for entry, when AnnounceOptions.withIds asked for them. */
  ids4?: readonly string[];
  ids6?: readonly string[];
  warning?: string;
}

export interface AnnounceOptions {
  /** Peers to return, already capped by the caller. */
  numwant: number;
  /** 'own': only the requester's address family (UDP); 'both': fill up from the other (HTTP). */
  families: 'own' | 'both';
  now: number;
  /** Also return the picked peers' ids (for the dictionary form of an HTTP reply). */
  withIds?: boolean;
}

/** A reply with no peers of a family shares this (never written to). */
const NO_PEERS = new Uint8Array(0);

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
      if (req.event === 'stopped') return { complete: 0, incomplete: 0, compact4: NO_PEERS, compact6: NO_PEERS };
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
      return { complete: swarm.complete, incomplete: swarm.incomplete, compact4: NO_PEERS, compact6: NO_PEERS };
    }
    const seeder = req.left === 0 || (req.left === undefined && req.event === 'completed');
    // Downloads: a 'completed' event, or a known leecher now reporting left=0 (counted once).
    if ((req.event === 'completed' && peer?.seeder !== true) || (peer !== undefined && !peer.seeder && seeder)) swarm.downloaded++;
    let warning: string | undefined;
    if (peer !== undefined) {
      // Keep the stored string when the id is unchanged (nearly always): storing each request's
      // fresh copy in a long-lived peer would promote one garbage string per announce.
      if (peer.id !== req.peerId) peer.id = req.peerId;
      peer.expires = opts.now + this.#peerTtlMs;
      pool.setSeeder(peer, seeder);
    } else if (swarm.size >= this.#limits.maxPeersPerSwarm || this.#peers >= this.#limits.maxPeers) {
      warning = 'swarm is full: you were not added, but here are some peers';
    } else {
      peer = { addr, id: req.peerId, seeder, index: 0, expires: opts.now + this.#peerTtlMs };
      pool.add(peer);
      this.#peers++;
    }
    const ownN = Math.min(opts.numwant, pool.candidates(seeder, peer));
    const other = opts.families === 'both' && ownN < opts.numwant ? swarm.pool(from.family === 4 ? 6 : 4, false) : undefined;
    const otherN = other === undefined ? 0 : Math.min(opts.numwant - ownN, other.candidates(seeder, undefined));
    // Exact sizes, so every byte of the (uninitialised, pooled) buffers gets written.
    const ownBytes = ownN > 0 ? Buffer.allocUnsafe(ownN * pool.width) : NO_PEERS;
    const otherBytes = other !== undefined && otherN > 0 ? Buffer.allocUnsafe(otherN * other.width) : NO_PEERS;
    const ownIds: string[] | undefined = opts.withIds === true ? [] : undefined;
    const otherIds: string[] | undefined = opts.withIds === true ? [] : undefined;
    pool.sample(ownN, seeder, peer, ownBytes, 0, ownIds);
    if (other !== undefined && otherN > 0) other.sample(otherN, seeder, undefined, otherBytes, 0, otherIds);
    const v4first = from.family === 4;
    const out: AnnounceOutcome = {
      complete: swarm.complete, incomplete: swarm.incomplete,
      compact4: v4first ? ownBytes : otherBytes, compact6: v4first ? otherBytes : ownBytes,
    };
    if (ownIds !== undefined && otherIds !== undefined) {
      out.ids4 = v4first ? ownIds : otherIds;
      out.ids6 = v4first ? otherIds : ownIds;
    }
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
