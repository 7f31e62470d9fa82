// HTTP announce (BEP 3, 23, 7) and scrape (BEP 48) query strings -> typed requests. Pure.
// Values are percent-decoded into raw bytes (latin1 strings): info_hash and peer_id are binary
// and must stay exactly 20 bytes. Every bound is explicit: the number of parameters, the length
// of each value and the number of scraped info-hashes.
import type { AnnounceEvent, AnnounceRequest, Parsed, ScrapeRequest } from './types.ts';

export interface QueryLimits {
  /** Most key=value pairs accepted in one query string. */
  maxParams: number;
  /** Longest decoded value, in bytes. */
  maxValueBytes: number;
  /** Most info_hash values in one scrape. */
  maxScrapeHashes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxParams: 128, maxValueBytes: 256, maxScrapeHashes: 100 };

const HEX: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) { t[65 + i] = 10 + i; t[97 + i] = 10 + i; }
  return t;
})();

function hexVal(code: number): number {
  return code < 128 ? (HEX[code] ?? -1) : -1;
}

// Decoded bytes go through one scratch buffer and come out as a flat latin1 string. Building
// the string with `+=` would leave a tree of V8 cons-strings behind every stored peer id.
let scratch = new Uint8Array(256);

/** Percent-decode into a latin1 byte string; undefined on a malformed escape or a non-ASCII char. */
export function percentDecode(s: string, maxBytes: number): string | undefined {
  if (s.indexOf('%') < 0) {
    if (s.length > maxBytes) return undefined;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7e || s.charCodeAt(i) < 0x20) return undefined;
    return s;
  }
  if (scratch.length < maxBytes) scratch = new Uint8Array(maxBytes);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (n >= maxBytes) return undefined;
    const c = s.charCodeAt(i);
    if (c === 37) { // '%'
      const hi = hexVal(s.charCodeAt(i + 1));
      const lo = hexVal(s.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return undefined;
      scratch[n++] = (hi << 4) | lo;
      i += 2;
    } else if (c > 0x7e || c < 0x20) {
      return undefined;
    } else {
      scratch[n++] = c;
    }
  }
  return Buffer.from(scratch.buffer, 0, n).toString('latin1');
}

/** Split a raw query string (no leading '?') into decoded pairs, bounded by `limits`. */
export function parseQuery(raw: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): Parsed<Array<[string, string]>> {
  const pairs: Array<[string, string]> = [];
  if (raw === '') return { ok: true, value: pairs };
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = raw.length;
    if (end > start) {
      if (pairs.length >= limits.maxParams) return { ok: false, reason: `too many query parameters (max ${limits.maxParams})` };
      const eq = raw.indexOf('=', start);
      const hasEq = eq >= 0 && eq < end;
      const key = percentDecode(raw.slice(start, hasEq ? eq : end), 64);
      const value = hasEq ? percentDecode(raw.slice(eq + 1, end), limits.maxValueBytes) : '';
      if (key === undefined) return { ok: false, reason: 'malformed query parameter name' };
      if (value === undefined) return { ok: false, reason: `malformed or oversized value for ${JSON.stringify(key)}` };
      pairs.push([key, value]);
    }
    start = end + 1;
  }
  return { ok: true, value: pairs };
}

const EVENTS: Record<string, AnnounceEvent> = {
  '': 'none', empty: 'none', started: 'started', stopped: 'stopped', completed: 'completed',
  paused: 'none', // BEP 21: a partial seed pausing is still in the swarm
};

// A decimal byte count; up to 2^63-ish on the wire, kept as a (possibly rounded) number:
// the tracker only compares `left` with 0 and reports totals.
function parseCount(v: string): number | undefined {
  if (!/^\d{1,20}$/.test(v)) return undefined;
  return Number(v);
}

export function parseAnnounce(raw: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): Parsed<AnnounceRequest> {
  const q = parseQuery(raw, limits);
  if (!q.ok) return q;
  let infoHash: string | undefined;
  let peerId: string | undefined;
  let port: number | undefined;
  let uploaded = 0;
  let downloaded = 0;
  let left: number | undefined;
  let event: AnnounceEvent = 'none';
  let numwant: number | undefined;
  let compact = true;
  let noPeerId = false;
  for (const [k, v] of q.value) {
    switch (k) {
      case 'info_hash':
        if (infoHash !== undefined) return { ok: false, reason: 'announce takes one info_hash' };
        if (v.length !== 20) return { ok: false, reason: 'invalid info_hash: must be 20 bytes' };
        infoHash = v;
        break;
      case 'peer_id':
        if (v.length !== 20) return { ok: false, reason: 'invalid peer_id: must be 20 bytes' };
        peerId = v;
        break;
      case 'port': {
        if (!/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) return { ok: false, reason: 'invalid port' };
        port = Number(v);
        break;
      }
      case 'uploaded': case 'downloaded': case 'left': {
        const n = parseCount(v);
        if (n === undefined) return { ok: false, reason: `invalid ${k}` };
        if (k === 'uploaded') uploaded = n; else if (k === 'downloaded') downloaded = n; else left = n;
        break;
      }
      case 'event': {
        const e = EVENTS[v];
        if (e === undefined || !Object.hasOwn(EVENTS, v)) return { ok: false, reason: 'invalid event' };
        event = e;
        break;
      }
      case 'numwant': {
        if (!/^-?\d{1,9}$/.test(v)) return { ok: false, reason: 'invalid numwant' };
        const n = Number(v);
        numwant = n < 0 ? undefined : n; // -1 means "default", as in BEP 15
        break;
      }
      case 'compact':
        compact = v !== '0';
        break;
      case 'no_peer_id':
        noPeerId = v !== '0';
        break;
      default:
        break; // key, trackerid, corrupt, supportcrypto, ip, ipv4, ipv6 ...: not used (see http-handler)
    }
  }
  if (infoHash === undefined) return { ok: false, reason: 'missing info_hash' };
  if (peerId === undefined) return { ok: false, reason: 'missing peer_id' };
  if (port === undefined) return { ok: false, reason: 'missing port' };
  return { ok: true, value: { infoHash, peerId, port, uploaded, downloaded, left, event, numwant, compact, noPeerId } };
}

export function parseScrape(raw: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): Parsed<ScrapeRequest> {
  const q = parseQuery(raw, limits);
  if (!q.ok) return q;
  const infoHashes: string[] = [];
  const seen = new Set<string>();
  for (const [k, v] of q.value) {
    if (k !== 'info_hash') continue;
    if (v.length !== 20) return { ok: false, reason: 'invalid info_hash: must be 20 bytes' };
    if (seen.has(v)) continue;
    if (infoHashes.length >= limits.maxScrapeHashes) return { ok: false, reason: `too many info_hash values (max ${limits.maxScrapeHashes})` };
    seen.add(v);
    infoHashes.push(v);
  }
  // A scrape of every torrent is a cheap way to make the tracker do O(swarms) work: refuse it.
  if (infoHashes.length === 0) return { ok: false, reason: 'scrape needs at least one info_hash' };
  return { ok: true, value: { infoHashes } };
}
