// A bounded parser for the head of an HTTP/1.x request, enough for a tracker: the request line
// and the three headers a tracker reads (Connection, X-Forwarded-For, and the two that announce
// a body). Pure: bytes in, a typed result out; never throws. Anything unusual is refused rather
// than guessed at: obsolete line folding, a bare LF, a missing colon, HTTP other than 1.0/1.1.

export type HeadParse =
  | { kind: 'incomplete' }
  | { kind: 'invalid'; status: 400 | 431 | 505; reason: string }
  | {
    kind: 'request';
    /** Bytes of the head, the blank line included: where the next request starts. */
    length: number;
    method: string;
    target: string;
    keepAlive: boolean;
    forwardedFor: string | undefined;
    hasBody: boolean;
  };

const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEADERS = 100;

export function parseRequestHead(buf: Uint8Array, maxHeadBytes: number): HeadParse {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = b.indexOf(CRLFCRLF, 0);
  if (end < 0 || end + 4 > maxHeadBytes) {
    if (end >= 0 || b.length >= maxHeadBytes) return { kind: 'invalid', status: 431, reason: 'request head too large' };
    return { kind: 'incomplete' };
  }
  const head = b.toString('latin1', 0, end);
  const lineEnd = head.indexOf('\r\n');
  const first = lineEnd < 0 ? head : head.slice(0, lineEnd);
  const sp1 = first.indexOf(' ');
  const sp2 = first.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || first.indexOf(' ', sp2 + 1) >= 0) return { kind: 'invalid', status: 400, reason: 'malformed request line' };
  const method = first.slice(0, sp1);
  const target = first.slice(sp1 + 1, sp2);
  const version = first.slice(sp2 + 1);
  if (!/^[A-Z]{1,16}$/.test(method)) return { kind: 'invalid', status: 400, reason: 'malformed method' };
  if (target.length === 0 || !/^[\x21-\x7e]+$/.test(target)) return { kind: 'invalid', status: 400, reason: 'malformed request target' };
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') {
    return /^HTTP\/\d\.\d$/.test(version) ? { kind: 'invalid', status: 505, reason: 'HTTP version not supported' } : { kind: 'invalid', status: 400, reason: 'malformed HTTP version' };
  }
  let keepAlive = version === 'HTTP/1.1';
  let forwardedFor: string | undefined;
  let hasBody = false;
  let count = 0;
  let pos = lineEnd < 0 ? head.length : lineEnd + 2;
  while (pos < head.length) {
    let next = head.indexOf('\r\n', pos);
    if (next < 0) next = head.length;
    const line = head.slice(pos, next);
    pos = next + 2;
    if (++count > MAX_HEADERS) return { kind: 'invalid', status: 431, reason: 'too many headers' };
    const colon = line.indexOf(':');
    if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9 || line.includes('\n') || line.includes('\r')) {
      return { kind: 'invalid', status: 400, reason: 'malformed header line' };
    }
    const c0 = line.charCodeAt(0) | 0x20;
    if (c0 !== 0x63 && c0 !== 0x74 && c0 !== 0x78) continue; // c, t, x: the only ones read
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'connection') {
      const v = value.toLowerCase();
      if (/(^|[\s,])close($|[\s,])/.test(v)) keepAlive = false;
      else if (/(^|[\s,])keep-alive($|[\s,])/.test(v)) keepAlive = true;
    } else if (name === 'x-forwarded-for') {
      forwardedFor = forwardedFor === undefined ? value : `${forwardedFor},${value}`;
    } else if (name === 'transfer-encoding') {
      hasBody = true;
    } else if (name === 'content-length') {
      if (!/^\d{1,15}$/.test(value)) return { kind: 'invalid', status: 400, reason: 'malformed content-length' };
      if (Number(value) > 0) hasBody = true;
    }
  }
  return { kind: 'request', length: end + 4, method, target, keepAlive, forwardedFor, hasBody };
}
