// Compact peer and address formats shared by trackers (BEP 23 `peers`, BEP 7 `peers6`), BEP 10
// `yourip`/`ipv4`/`ipv6`, and later PEX: 4 or 16 address bytes, then a big-endian port.

import { TesseraError } from '../errors.ts';

export interface PeerAddress {
  ip: string;
  port: number;
}

export function formatIPv4(b: Uint8Array, at = 0): string {
  return `${b[at] ?? 0}.${b[at + 1] ?? 0}.${b[at + 2] ?? 0}.${b[at + 3] ?? 0}`;
}

/** RFC 5952 text form: lowercase, longest run of zero groups (length ≥ 2) shortened to '::'. */
export function formatIPv6(b: Uint8Array, at = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[at + 2 * i] ?? 0) << 8) | (b[at + 2 * i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Parse an IPv4 or IPv6 literal into 4 or 16 bytes; null when it is neither. */
export function parseIp(s: string): Uint8Array | null {
  if (s.includes(':')) return parseIPv6(s);
  return parseIPv4(s);
}

function parseIPv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIPv6(s: string): Uint8Array | null {
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const pct = s.indexOf('%'); // zone id: not carried on the wire
  if (pct >= 0) s = s.slice(0, pct);
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const toGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (v4 === null) return null;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = toGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? toGroups(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { out[2 * i] = g >> 8; out[2 * i + 1] = g & 0xff; });
  return out;
}

/**
 * Parse a compact peer list: `family` 4 → 6-byte entries, 6 → 18-byte entries. Port-0 entries are
 * dropped (no one listens there). A length that is not a multiple of the entry size is a protocol
 * error; `max` bounds the work on hostile input.
 */
export function parseCompactPeers(bytes: Uint8Array, family: 4 | 6, max = 10_000): PeerAddress[] {
  const size = family === 4 ? 6 : 18;
  if (bytes.length % size !== 0) {
    throw new TesseraError('TRACKER_PROTOCOL', `compact peers${family === 6 ? '6' : ''} length ${bytes.length} is not a multiple of ${size}`);
  }
  const n = Math.min(bytes.length / size, max);
  const out: PeerAddress[] = [];
  for (let i = 0; i < n; i++) {
    const at = i * size;
    const ip = family === 4 ? formatIPv4(bytes, at) : formatIPv6(bytes, at);
    const port = ((bytes[at + size - 2] ?? 0) << 8) | (bytes[at + size - 1] ?? 0);
    if (port !== 0) out.push({ ip, port });
  }
  return out;
}

export function encodeCompactPeer(p: PeerAddress): Uint8Array {
  const ip = parseIp(p.ip);
  if (ip === null) throw new TesseraError('BAD_ARGUMENT', `not an IP address: ${p.ip}`);
  const out = new Uint8Array(ip.length + 2);
  out.set(ip, 0);
  out[ip.length] = p.port >> 8;
  out[ip.length + 1] = p.port & 0xff;
  return out;
}
