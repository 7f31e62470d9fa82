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


/** True when percentDecode(raw.slice(from, to), maxBytes) would succeed; allocates nothing. */
function validRange(raw: string, from: number, to: number, maxBytes: number): boolean {
  let n = 0;
  for (let i = from; i < to; i++) {
    if (n >= maxBytes) return false;
    const c = raw.charCodeAt(i);
    if (c === 37) { // '%': two hex digits, inside the range
      if (i + 2 >= to || hexVal(raw.charCodeAt(i + 1)) < 0 || hexVal(raw.charCodeAt(i + 2)) < 0) return false;
      i += 2;
    } else if (c > 0x7e || c < 0x20) {
      return false;
    }
    n++;
  }
  return true;
}

/**
 * The decimal integer in raw[from, to) when its decoded text matches /^-?\d{1,maxDigits}$/ (the
 * minus only when `signed`), else NaN. Escaped digits (%3x) are decoded first, as any value is.
 */
function decimal(raw: string, from: number, to: number, maxDigits: number, signed: boolean): number {
  const pct = raw.indexOf('%', from);
  if (pct >= 0 && pct < to) {
    const v = percentDecode(raw.slice(from, to), 256);
    return v === undefined ? Number.NaN : digitsValue(v, 0, v.length, maxDigits, signed);
  }
  return digitsValue(raw, from, to, maxDigits, signed);
}

function digitsValue(text: string, from: number, to: number, maxDigits: number, signed: boolean): number {
  const neg = signed && text.charCodeAt(from) === 45; // '-'
  const d0 = neg ? from + 1 : from;
  const digits = to - d0;
  if (digits < 1 || digits > maxDigits) return Number.NaN;
  let n = 0;
  for (let i = d0; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  // Past 2^53 the running sum may round differently from Number(text): let Number round.
  if (digits > 15) n = Number(text.slice(d0, to));
  return neg ? -n : n;
}

const enum Key { Other, InfoHash, PeerId, Port, Uploaded, Downloaded, Left, Event, Numwant, Compact, NoPeerId, Malformed }

const KEYS = new Map<string, Key>([
  ['info_hash', Key.InfoHash], ['peer_id', Key.PeerId], ['port', Key.Port], ['uploaded', Key.Uploaded],
  ['downloaded', Key.Downloaded], ['left', Key.Left], ['event', Key.Event], ['numwant', Key.Numwant],
  ['compact', Key.Compact], ['no_peer_id', Key.NoPeerId],
]);

/** Which parameter raw[from, to) names, without making a string for the usual unescaped names. */
function keyOf(raw: string, from: number, to: number): Key {
  switch (to - from) {
    case 4: if (raw.startsWith('port', from)) return Key.Port; if (raw.startsWith('left', from)) return Key.Left; break;
    case 5: if (raw.startsWith('event', from)) return Key.Event; break;
    case 7: if (raw.startsWith('peer_id', from)) return Key.PeerId; if (raw.startsWith('numwant', from)) return Key.Numwant; if (raw.startsWith('compact', from)) return Key.Compact; break;
    case 8: if (raw.startsWith('uploaded', from)) return Key.Uploaded; break;
    case 9: if (raw.startsWith('info_hash', from)) return Key.InfoHash; break;
    case 10: if (raw.startsWith('downloaded', from)) return Key.Downloaded; if (raw.startsWith('no_peer_id', from)) return Key.NoPeerId; break;
    default: break;
  }
  // Anything else: escaped names (info%5Fhash is info_hash) and names a tracker ignores.
  const k = percentDecode(raw.slice(from, to), 64);
  return k === undefined ? Key.Malformed : (KEYS.get(k) ?? Key.Other);
}

/** raw[from, to) is "0" once decoded (compact=0, no_peer_id=0). */
function isZero(raw: string, from: number, to: number): boolean {
  if (to - from === 1) return raw.charCodeAt(from) === 48;
  return to - from === 3 && percentDecode(raw.slice(from, to), 1) === '0';
}

/**
 * An announce query string -> AnnounceRequest, in one pass that allocates only what it keeps
 * (the two 20-byte strings): no array of pairs, no string per key or number (it runs on every
 * announce). Same contract as decoding every pair with parseQuery and then reading them in
 * order: any malformed pair anywhere (or too many pairs) is reported first; otherwise the first
 * invalid value in query order; then missing parameters. query.test.ts checks the two agree.
 */
export function parseAnnounce(raw: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): Parsed<AnnounceRequest> {
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
  let invalid: string | undefined; // the first invalid value: reported once the whole query is well-formed
  let pairs = 0;
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = raw.length;
    if (end > start) {
      if (pairs >= limits.maxParams) return { ok: false, reason: `too many query parameters (max ${limits.maxParams})` };
      pairs++;
      let eq = raw.indexOf('=', start);
      if (eq >= end) eq = -1;
      const keyEnd = eq < 0 ? end : eq;
      const vs = eq < 0 ? end : eq + 1; // the value is raw[vs, end): empty without '='
      const key = keyOf(raw, start, keyEnd);
      if (key === Key.Malformed) return { ok: false, reason: 'malformed query parameter name' };
      // The values kept as strings are decoded (which validates them) in one go; the rest are
      // only validated here.
      const decoded = invalid === undefined && (key === Key.InfoHash || key === Key.PeerId || key === Key.Event)
        ? percentDecode(raw.slice(vs, end), limits.maxValueBytes)
        : (validRange(raw, vs, end, limits.maxValueBytes) ? '' : undefined);
      if (decoded === undefined) {
        return { ok: false, reason: `malformed or oversized value for ${JSON.stringify(percentDecode(raw.slice(start, keyEnd), 64))}` };
      }
      if (invalid === undefined) {
        switch (key) {
          case Key.InfoHash: {
            const v = decoded;
            if (infoHash !== undefined) invalid = 'announce takes one info_hash';
            else if (v.length !== 20) invalid = 'invalid info_hash: must be 20 bytes';
            else infoHash = v;
            break;
          }
          case Key.PeerId: {
            const v = decoded;
            if (v.length !== 20) invalid = 'invalid peer_id: must be 20 bytes';
            else peerId = v;
            break;
          }
          case Key.Port: {
            const n = decimal(raw, vs, end, 5, false);
            if (!(n >= 1 && n <= 65535)) invalid = 'invalid port';
            else port = n;
            break;
          }
          case Key.Uploaded: case Key.Downloaded: case Key.Left: {
            // A decimal byte count; up to 2^63-ish on the wire, kept as a (possibly rounded)
            // number: the tracker only compares `left` with 0 and reports totals.
            const n = decimal(raw, vs, end, 20, false);
            if (Number.isNaN(n)) invalid = `invalid ${key === Key.Uploaded ? 'uploaded' : key === Key.Downloaded ? 'downloaded' : 'left'}`;
            else if (key === Key.Uploaded) uploaded = n;
            else if (key === Key.Downloaded) downloaded = n;
            else left = n;
            break;
          }
          case Key.Event: {
            const v = decoded;
            const e = EVENTS[v];
            if (e === undefined || !Object.hasOwn(EVENTS, v)) invalid = 'invalid event';
            else event = e;
            break;
          }
          case Key.Numwant: {
            const n = decimal(raw, vs, end, 9, true);
            if (Number.isNaN(n)) invalid = 'invalid numwant';
            else numwant = n < 0 ? undefined : n; // -1 means "default", as in BEP 15
            break;
          }
          case Key.Compact:
            compact = !isZero(raw, vs, end);
            break;
          case Key.NoPeerId:
            noPeerId = !isZero(raw, vs, end);
            break;
          default:
            break; // key, trackerid, corrupt, supportcrypto, ip, ipv4, ipv6 ...: not used (see http-handler)
        }
      }
    }
    start = end + 1;
  }
  if (invalid !== undefined) return { ok: false, reason: invalid };
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
