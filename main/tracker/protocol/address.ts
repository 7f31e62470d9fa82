// IP addresses as the tracker stores them: the compact form of BEP 23 / BEP 7 (4 or 16 address
// bytes then a 2-byte big-endian port) held in a latin1 string. A string of bytes is a cheap
// Map key, is the peer's identity in its swarm (info-hash, ip, port), and is already the wire
// form of a compact peer list, so nothing is re-encoded per reply. Pure: no sockets.

export type Family = 4 | 6;

/** Address bytes (4 or 16) as a latin1 string, or undefined when `ip` is not a literal address. */
export function ipToBytes(ip: string): { family: Family; bytes: string } | undefined {
  let s = ip;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const v4 = parseV4(s);
  if (v4 !== undefined) return { family: 4, bytes: v4 };
  const v6 = parseV6(s);
  if (v6 === undefined) return undefined;
  // IPv4-mapped (::ffff:a.b.c.d): a dual-stack socket reports IPv4 clients this way; they are
  // IPv4 peers and must land in the IPv4 list.
  if (v6.startsWith('\0\0\0\0\0\0\0\0\0\0\xff\xff')) return { family: 4, bytes: v6.slice(12) };
  return { family: 6, bytes: v6 };
}

function parseV4(s: string): string | undefined {
  // Fast path for the common case (every request's source address): plain dotted decimal.
  let out = '';
  let n = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      if (++digits > 3 || n > 255) return undefined;
    } else if (c === 46 && digits > 0) {
      out += String.fromCharCode(n);
      n = 0;
      digits = 0;
      if (++dots > 4) return undefined;
    } else {
      return undefined;
    }
  }
  return dots === 4 ? out : undefined;
}

function parseV6(s: string): string | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  let tail = '';
  let text = s;
  // An embedded dotted quad in the last 32 bits (::ffff:1.2.3.4, 64:ff9b::1.2.3.4).
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = v4;
    text = `${s.slice(0, lastColon + 1)}0:0`; // two placeholder groups, overwritten below
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  const groups = head.length + rest.length;
  if (halves.length === 1 && groups !== 8) return undefined;
  if (halves.length === 2 && groups > 7) return undefined;
  const all = [...head, ...new Array<string>(8 - groups).fill('0'), ...rest];
  let out = '';
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = parseInt(g, 16);
    out += String.fromCharCode(n >> 8, n & 0xff);
  }
  if (tail !== '') out = out.slice(0, 12) + tail;
  return out;
}

/** The printable form of 4 or 16 address bytes (for non-compact replies and logs). */
export function bytesToIp(bytes: string): string {
  if (bytes.length === 4) {
    return `${bytes.charCodeAt(0)}.${bytes.charCodeAt(1)}.${bytes.charCodeAt(2)}.${bytes.charCodeAt(3)}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1)).toString(16));
  // Compress the longest run of zero groups (RFC 5952), enough for readable output.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Compact peer: address bytes + big-endian port. */
export function compactPeer(addrBytes: string, port: number): string {
  return addrBytes + String.fromCharCode((port >> 8) & 0xff, port & 0xff);
}

export function compactPort(compact: string): number {
  const n = compact.length;
  return (compact.charCodeAt(n - 2) << 8) | compact.charCodeAt(n - 1);
}

export interface Cidr { family: Family; bytes: string; prefix: number }

/** Parse "10.0.0.0/8", "::1/128" or a bare address (a /32 or /128). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addr = ipToBytes(slash >= 0 ? text.slice(0, slash) : text);
  if (addr === undefined) return undefined;
  const max = addr.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { family: addr.family, bytes: addr.bytes, prefix };
}

export function cidrContains(cidr: Cidr, addrBytes: string): boolean {
  if (addrBytes.length !== cidr.bytes.length) return false;
  const whole = cidr.prefix >> 3;
  for (let i = 0; i < whole; i++) if (addrBytes.charCodeAt(i) !== cidr.bytes.charCodeAt(i)) return false;
  const bits = cidr.prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (addrBytes.charCodeAt(whole) & mask) === (cidr.bytes.charCodeAt(whole) & mask);
}
