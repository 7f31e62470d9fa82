// Pure HTTP tracker codec: announce/scrape URL building and bencoded reply parsing
// (BEP 3 announce, BEP 23 compact peers, BEP 7 peers6, BEP 48 scrape). No sockets here.
// Replies are untrusted: every field is type-checked, counts are capped, and a `failure reason`
// becomes a TRACKER_FAILURE error carrying the tracker's own text for the user.

import { TesseraError } from '../errors.ts';
import { bdecode, getBytes, getDict, getInt, isDict, type BDict } from '../bencode/decode.ts';
import { parseCompactPeers, formatIPv4, formatIPv6, parseIp, type PeerAddress } from '../wire/compact.ts';
import { printable } from '../wire/extension-handshake.ts';

export type AnnounceEvent = 'started' | 'completed' | 'stopped' | 'none';

export interface AnnounceParams {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  event: AnnounceEvent;
  /** Peers wanted; -1 lets a UDP tracker choose. Default 50. */
  numWant?: number;
  /** A random 32-bit key, constant for the session, so the tracker knows us across IP changes. */
  key?: number;
  /** The `tracker id` a previous reply asked us to echo. */
  trackerId?: string;
}

export interface AnnounceResponse {
  /** Seconds until the next regular announce. */
  interval: number;
  /** Seconds the tracker wants between any two announces. */
  minInterval?: number;
  trackerId?: string;
  /** Seeders and leechers (`complete` / `incomplete`). */
  complete?: number;
  incomplete?: number;
  downloaded?: number;
  peers: PeerAddress[];
  /** `warning message`: shown to the user, the announce still counts. */
  warning?: string;
}

export interface ScrapeEntry {
  complete: number;
  incomplete: number;
  downloaded: number;
}

/** Peers kept from one reply; a hostile tracker cannot make us hold millions. */
export const MAX_PEERS_PER_REPLY = 2000;
/** Bytes accepted in one HTTP tracker reply. */
export const MAX_HTTP_REPLY_BYTES = 1024 * 1024;
export const DEFAULT_NUMWANT = 50;

const HEX = '0123456789ABCDEF';

/** Percent-encode raw bytes (info_hash, peer_id): unreserved characters stay, everything else is %XX. */
export function percentEncodeBytes(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e) {
      s += String.fromCharCode(c);
    } else {
      s += `%${HEX[c >> 4]}${HEX[c & 15]}`;
    }
  }
  return s;
}

function appendQuery(base: string, query: string): string {
  const hash = base.indexOf('#');
  const url = hash >= 0 ? base.slice(0, hash) : base;
  return url + (url.includes('?') ? '&' : '?') + query;
}

function nonNegInt(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new TesseraError('BAD_ARGUMENT', `${what} must be a non-negative integer, got ${n}`);
  return n;
}

export function buildAnnounceUrl(announce: string, p: AnnounceParams): string {
  const parts = [
    `info_hash=${percentEncodeBytes(p.infoHash)}`,
    `peer_id=${percentEncodeBytes(p.peerId)}`,
    `port=${nonNegInt(p.port, 'port')}`,
    `uploaded=${nonNegInt(p.uploaded, 'uploaded')}`,
    `downloaded=${nonNegInt(p.downloaded, 'downloaded')}`,
    `left=${nonNegInt(p.left, 'left')}`,
    'compact=1',
    // no_peer_id: trackers that ignore compact may at least drop the ids from the dict list.
    'no_peer_id=1',
    `numwant=${p.numWant === undefined || p.numWant < 0 ? DEFAULT_NUMWANT : p.numWant}`,
  ];
  if (p.event !== 'none') parts.push(`event=${p.event}`);
  if (p.key !== undefined) parts.push(`key=${(p.key >>> 0).toString(16).padStart(8, '0')}`);
  if (p.trackerId !== undefined) parts.push(`trackerid=${encodeURIComponent(p.trackerId)}`);
  return appendQuery(announce, parts.join('&'));
}

/** BEP 48: the scrape URL replaces the last path segment's leading 'announce'; null when there is none. */
export function scrapeUrlFor(announce: string): string | null {
  let u: URL;
  try { u = new URL(announce); } catch { return null; }
  const slash = u.pathname.lastIndexOf('/');
  const last = u.pathname.slice(slash + 1);
  if (!last.startsWith('announce')) return null;
  u.pathname = `${u.pathname.slice(0, slash + 1)}scrape${last.slice('announce'.length)}`;
  return u.toString();
}

export function buildScrapeUrl(announce: string, infoHashes: Uint8Array[]): string | null {
  const base = scrapeUrlFor(announce);
  if (base === null) return null;
  return appendQuery(base, infoHashes.map((h) => `info_hash=${percentEncodeBytes(h)}`).join('&'));
}

function decodeDict(body: Uint8Array): BDict {
  let v;
  try {
    v = bdecode(body);
  } catch (e) {
    throw new TesseraError('TRACKER_PROTOCOL', 'tracker reply is not valid bencode', { cause: e });
  }
  if (!isDict(v)) throw new TesseraError('TRACKER_PROTOCOL', 'tracker reply is not a dictionary');
  return v;
}

function text(d: BDict, key: string, max = 500): string | undefined {
  const b = getBytes(d, key);
  if (b === undefined) return undefined;
  return printable(new TextDecoder('utf-8').decode(b.subarray(0, max)));
}

function count(d: BDict, key: string): number | undefined {
  const n = getInt(d, key);
  return n !== undefined && n >= 0 ? n : undefined;
}

/** Throws TRACKER_FAILURE when the tracker sent a `failure reason`. */
export function checkFailure(d: BDict): void {
  const reason = text(d, 'failure reason');
  if (reason !== undefined) throw new TesseraError('TRACKER_FAILURE', reason);
}

function dictPeers(list: unknown[]): PeerAddress[] {
  const out: PeerAddress[] = [];
  for (const e of list) {
    if (out.length >= MAX_PEERS_PER_REPLY) break;
    if (!(e instanceof Map)) continue;
    const d = e as BDict;
    const ipBytes = getBytes(d, 'ip');
    const port = getInt(d, 'port');
    if (ipBytes === undefined || port === undefined || port <= 0 || port > 0xffff || ipBytes.length > 64) continue;
    // BEP 3 says `ip` is a string (dotted quad, IPv6 or DNS name); some trackers send raw 4/16 bytes.
    let ip: string | null = null;
    const s = new TextDecoder('latin1').decode(ipBytes);
    if (parseIp(s) !== null) ip = s;
    else if (ipBytes.length === 4) ip = formatIPv4(ipBytes);
    else if (ipBytes.length === 16) ip = formatIPv6(ipBytes);
    if (ip !== null) out.push({ ip, port });
  }
  return out;
}

export function parseAnnounceReply(body: Uint8Array): AnnounceResponse {
  const d = decodeDict(body);
  checkFailure(d);
  const interval = getInt(d, 'interval');
  if (interval === undefined || interval < 0) throw new TesseraError('TRACKER_PROTOCOL', 'tracker reply has no interval');
  const peers: PeerAddress[] = [];
  const p = d.get('peers');
  if (p instanceof Uint8Array) {
    peers.push(...parseCompactPeers(p.subarray(0, p.length - (p.length % 6)), 4, MAX_PEERS_PER_REPLY));
  } else if (Array.isArray(p)) {
    peers.push(...dictPeers(p));
  }
  const p6 = getBytes(d, 'peers6');
  if (p6 !== undefined && peers.length < MAX_PEERS_PER_REPLY) {
    peers.push(...parseCompactPeers(p6.subarray(0, p6.length - (p6.length % 18)), 6, MAX_PEERS_PER_REPLY - peers.length));
  }
  const out: AnnounceResponse = { interval, peers };
  const minInterval = count(d, 'min interval');
  if (minInterval !== undefined) out.minInterval = minInterval;
  const trackerId = text(d, 'tracker id', 200);
  if (trackerId !== undefined) out.trackerId = trackerId;
  const complete = count(d, 'complete');
  if (complete !== undefined) out.complete = complete;
  const incomplete = count(d, 'incomplete');
  if (incomplete !== undefined) out.incomplete = incomplete;
  const downloaded = count(d, 'downloaded');
  if (downloaded !== undefined) out.downloaded = downloaded;
  const warning = text(d, 'warning message');
  if (warning !== undefined) out.warning = warning;
  return out;
}

/** Hex (lowercase) of a 20-byte info-hash: the key of scrape results. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += (c < 16 ? '0' : '') + c.toString(16);
  return s;
}

export function parseScrapeReply(body: Uint8Array): Map<string, ScrapeEntry> {
  const d = decodeDict(body);
  checkFailure(d);
  const files = getDict(d, 'files');
  if (files === undefined) throw new TesseraError('TRACKER_PROTOCOL', 'scrape reply has no files dictionary');
  const out = new Map<string, ScrapeEntry>();
  for (const [key, v] of files) {
    if (out.size >= MAX_PEERS_PER_REPLY) break;
    if (!isDict(v)) continue;
    // Keys are raw 20-byte hashes, decoded by bdecode as latin1 (one char per byte).
    if (key.length !== 20) continue;
    const hash = new Uint8Array(20);
    for (let i = 0; i < 20; i++) hash[i] = key.charCodeAt(i) & 0xff;
    out.set(toHex(hash), { complete: count(v, 'complete') ?? 0, incomplete: count(v, 'incomplete') ?? 0, downloaded: count(v, 'downloaded') ?? 0 });
  }
  return out;
}

