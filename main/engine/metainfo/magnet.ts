// Magnet URIs (BEP 9, BEP 53 for `so`, BEP 52 for urn:btmh). Pure.
import { TesseraError } from '../errors.ts';
import type { Metainfo } from './types.ts';
import { toHex, fromHex, base32Decode } from './hex.ts';

export interface Magnet {
  infoHashV1?: Uint8Array;
  infoHashV2?: Uint8Array;
  name?: string;
  trackers: string[];
  webSeeds: string[];
  /** xl: exact length in bytes. */
  exactLength?: number;
  /** x.pe: peer addresses "host:port". */
  peers: string[];
  /** so: file indices to select (BEP 53), ranges expanded. */
  selectOnly?: number[];
}

const MAX_URI = 64 * 1024;
const MAX_SELECT = 100_000;

function bad(msg: string): never {
  throw new TesseraError('MAGNET_INVALID', msg);
}

function parseSelectOnly(v: string): number[] {
  const out: number[] = [];
  for (const part of v.split(',')) {
    const m = /^(\d{1,9})(?:-(\d{1,9}))?$/.exec(part);
    if (!m) bad(`so: ${JSON.stringify(part)} is not an index or a range`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) bad(`so: range ${part} is reversed`);
    if (out.length + (b - a + 1) > MAX_SELECT) bad(`so: selects more than ${MAX_SELECT} files`);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

export function parseMagnet(uri: string): Magnet {
  if (uri.length > MAX_URI) bad(`longer than ${MAX_URI} characters`);
  if (!/^magnet:\?/i.test(uri)) bad('does not start with "magnet:?"');
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(uri.slice(uri.indexOf('?') + 1));
  } catch (e) {
    return bad(`malformed query (${e instanceof Error ? e.message : String(e)})`);
  }
  const m: Magnet = { trackers: [], webSeeds: [], peers: [] };
  for (const [k, v] of params) {
    switch (k) {
      case 'xt': {
        const lower = v.toLowerCase();
        if (lower.startsWith('urn:btih:')) {
          const h = v.slice(9);
          let bytes: Uint8Array | null = null;
          if (/^[0-9a-fA-F]{40}$/.test(h)) bytes = fromHex(h);
          else if (/^[A-Za-z2-7]{32}$/.test(h)) bytes = base32Decode(h);
          if (!bytes) bad(`xt: urn:btih needs 40 hex or 32 base32 characters, got ${JSON.stringify(h.slice(0, 80))}`);
          if (m.infoHashV1 && toHex(m.infoHashV1) !== toHex(bytes)) bad('xt: two different urn:btih hashes');
          m.infoHashV1 = bytes;
        } else if (lower.startsWith('urn:btmh:')) {
          const h = v.slice(9);
          // multihash: 0x12 = sha2-256, 0x20 = 32 bytes.
          if (!/^1220[0-9a-fA-F]{64}$/.test(h)) bad('xt: urn:btmh needs a sha2-256 multihash (1220 + 64 hex characters)');
          const bytes = fromHex(h.slice(4));
          if (m.infoHashV2 && toHex(m.infoHashV2) !== toHex(bytes)) bad('xt: two different urn:btmh hashes');
          m.infoHashV2 = bytes;
        }
        // Other xt namespaces (ed2k, sha1, ...) are not BitTorrent: ignore them.
        break;
      }
      case 'dn': m.name = v; break;
      case 'tr': if (!m.trackers.includes(v)) m.trackers.push(v); break;
      case 'ws': if (!m.webSeeds.includes(v)) m.webSeeds.push(v); break;
      case 'xl': {
        if (!/^\d{1,16}$/.test(v) || !Number.isSafeInteger(Number(v))) bad(`xl: ${JSON.stringify(v)} is not a byte count`);
        m.exactLength = Number(v);
        break;
      }
      case 'x.pe': if (!m.peers.includes(v)) m.peers.push(v); break;
      case 'so': m.selectOnly = parseSelectOnly(v); break;
      default: break; // unknown parameters are allowed by BEP 9
    }
  }
  if (!m.infoHashV1 && !m.infoHashV2) bad('no xt=urn:btih or xt=urn:btmh info-hash');
  return m;
}

// RFC 3986 unreserved plus a few that are safe in a query value; ':' and '/' stay readable.
function enc(v: string): string {
  // Lone surrogates cannot be UTF-8 encoded (encodeURIComponent would throw): make them U+FFFD.
  const wellFormed = v.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return encodeURIComponent(wellFormed).replace(/%3A/gi, ':').replace(/%2F/gi, '/');
}

function compressRanges(idx: readonly number[]): string {
  const sorted = [...new Set(idx)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function buildMagnet(m: Magnet): string {
  const parts: string[] = [];
  if (!m.infoHashV1 && !m.infoHashV2) bad('cannot build a magnet without an info-hash');
  if (m.infoHashV1) {
    if (m.infoHashV1.length !== 20) bad('v1 info-hash must be 20 bytes');
    parts.push(`xt=urn:btih:${toHex(m.infoHashV1)}`);
  }
  if (m.infoHashV2) {
    if (m.infoHashV2.length !== 32) bad('v2 info-hash must be 32 bytes');
    parts.push(`xt=urn:btmh:1220${toHex(m.infoHashV2)}`);
  }
  if (m.name !== undefined) parts.push(`dn=${enc(m.name)}`);
  if (m.exactLength !== undefined) parts.push(`xl=${m.exactLength}`);
  for (const t of m.trackers) parts.push(`tr=${enc(t)}`);
  for (const w of m.webSeeds) parts.push(`ws=${enc(w)}`);
  for (const p of m.peers) parts.push(`x.pe=${enc(p)}`);
  if (m.selectOnly && m.selectOnly.length) parts.push(`so=${compressRanges(m.selectOnly)}`);
  return `magnet:?${parts.join('&')}`;
}

export function magnetFromMetainfo(meta: Metainfo): string {
  const m: Magnet = {
    name: meta.name,
    trackers: meta.announce.flat(),
    webSeeds: meta.urlList,
    peers: [],
  };
  if (meta.infoHashV1) m.infoHashV1 = meta.infoHashV1;
  if (meta.infoHashV2) m.infoHashV2 = meta.infoHashV2;
  return buildMagnet(m);
}
