// BEP 11 ut_pex, pure: the message codec and the per-peer "what did I last tell you" diff.
// A message carries `added`/`added.f`/`dropped` (IPv4, 6-byte compact entries) and the same with
// a 6 suffix for IPv6 (18-byte entries). Rate and size limits follow what libtorrent enforces on
// receipt: at most one message a minute per peer and at most 50 added/dropped per message.
import { TesseraError } from '../errors.ts';
import { bdecode, getBytes, isDict } from '../bencode/decode.ts';
import { bencode, type BEncodable } from '../bencode/encode.ts';
import { encodeCompactPeer, parseCompactPeers, type PeerAddress } from '../wire/compact.ts';

/** Our extended message id for ut_pex (advertised in our `m`). */
export const UT_PEX_ID = 4;
export const PEX_INTERVAL_MS = 60_000;
export const MAX_PEX_PEERS = 50;

/** BEP 11 flag bits in added.f. */
export const PEX_FLAG_ENCRYPTION = 0x01;
export const PEX_FLAG_SEED = 0x02;
export const PEX_FLAG_UTP = 0x04;
export const PEX_FLAG_HOLEPUNCH = 0x08;
export const PEX_FLAG_REACHABLE = 0x10;

export interface PexPeer extends PeerAddress { flags: number }

export interface PexMessage {
  added: PexPeer[];
  dropped: PeerAddress[];
}

const isV6 = (ip: string): boolean => ip.includes(':');

export function decodePex(payload: Uint8Array): PexMessage {
  const d = bdecode(payload, { maxDepth: 4 });
  if (!isDict(d)) throw new TesseraError('WIRE_PROTOCOL', 'ut_pex: not a dictionary');
  const added: PexPeer[] = [];
  const dropped: PeerAddress[] = [];
  // A peer sending more than the limit is not punished; the surplus is just not read.
  const read = (key: string, family: 4 | 6): PeerAddress[] => {
    const b = getBytes(d, key);
    if (b === undefined) return [];
    const size = family === 4 ? 6 : 18;
    return parseCompactPeers(b.subarray(0, Math.floor(Math.min(b.length, size * MAX_PEX_PEERS * 2) / size) * size), family, MAX_PEX_PEERS * 2);
  };
  for (const [key, family] of [['added', 4], ['added6', 6]] as const) {
    const flags = getBytes(d, `${key}.f`);
    read(key, family).forEach((p, i) => added.push({ ...p, flags: flags?.[i] ?? 0 }));
  }
  for (const [key, family] of [['dropped', 4], ['dropped6', 6]] as const) dropped.push(...read(key, family));
  return { added: added.slice(0, MAX_PEX_PEERS * 2), dropped: dropped.slice(0, MAX_PEX_PEERS * 2) };
}

export function encodePex(m: PexMessage): Uint8Array {
  const cat = (list: PeerAddress[]): Uint8Array => {
    const parts = list.map(encodeCompactPeer);
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  };
  const a4 = m.added.filter((p) => !isV6(p.ip));
  const a6 = m.added.filter((p) => isV6(p.ip));
  const d: Record<string, BEncodable> = {
    added: cat(a4), 'added.f': Uint8Array.from(a4.map((p) => p.flags & 0xff)),
    dropped: cat(m.dropped.filter((p) => !isV6(p.ip))),
  };
  if (a6.length > 0) { d.added6 = cat(a6); d['added6.f'] = Uint8Array.from(a6.map((p) => p.flags & 0xff)); }
  const d6 = m.dropped.filter((p) => isV6(p.ip));
  if (d6.length > 0) d.dropped6 = cat(d6);
  return bencode(d);
}

/**
 * What one remote peer has been told. `next(current, now)` returns the message to send now, or
 * undefined when it is too early or nothing changed. The first message lists up to 50 current
 * peers; later ones list what was added and dropped since, each at most 50 (the rest waits for
 * the next round, so nothing is lost, only delayed).
 */
export class PexSender {
  #told = new Map<string, PexPeer>();
  #lastAt = -Infinity;

  next(current: ReadonlyMap<string, PexPeer>, now: number): PexMessage | undefined {
    if (now - this.#lastAt < PEX_INTERVAL_MS) return undefined;
    const added: PexPeer[] = [];
    const dropped: PeerAddress[] = [];
    for (const [k, p] of current) {
      if (added.length >= MAX_PEX_PEERS) break;
      if (!this.#told.has(k)) added.push(p);
    }
    for (const [k, p] of this.#told) {
      if (dropped.length >= MAX_PEX_PEERS) break;
      if (!current.has(k)) dropped.push({ ip: p.ip, port: p.port });
    }
    if (added.length === 0 && dropped.length === 0) return undefined;
    for (const p of added) this.#told.set(addrKey(p), p);
    for (const p of dropped) this.#told.delete(addrKey(p));
    this.#lastAt = now;
    return { added, dropped };
  }
}

export function addrKey(p: PeerAddress): string {
  return isV6(p.ip) ? `[${p.ip}]:${p.port}` : `${p.ip}:${p.port}`;
}

/** Received-side throttle: a peer that floods PEX faster than this is ignored, not trusted. */
export class PexReceiver {
  #lastAt = -Infinity;

  accept(now: number): boolean {
    // Allow some slack below the 60 s interval for timers that fire early.
    if (now - this.#lastAt < PEX_INTERVAL_MS / 2) return false;
    this.#lastAt = now;
    return true;
  }
}
