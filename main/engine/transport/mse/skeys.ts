// The receiver side of MSE knows the torrent only as HASH('req2', SKEY). Hashes are cached per
// info-hash object so an incoming connection costs one map walk, not a SHA-1 per torrent.
import { req2Hash } from './handshake.ts';

export interface SkeyOwner {
  /** Info-hashes a peer may use as SKEY for this torrent (v1, and the truncated v2 hash of a hybrid). */
  readonly skeys?: readonly Uint8Array[];
  readonly infoHash: Uint8Array;
}

export class SkeyTable {
  #cache = new WeakMap<Uint8Array, string>();

  #req2(skey: Uint8Array): string {
    let h = this.#cache.get(skey);
    if (h === undefined) {
      h = Buffer.from(req2Hash(skey)).toString('hex');
      this.#cache.set(skey, h);
    }
    return h;
  }

  lookup(req2: Uint8Array, owners: Iterable<SkeyOwner>): Uint8Array | undefined {
    const want = Buffer.from(req2).toString('hex');
    for (const o of owners) {
      for (const k of o.skeys ?? [o.infoHash]) if (this.#req2(k) === want) return k;
    }
    return undefined;
  }
}
