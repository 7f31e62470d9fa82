// BEP 10 extension handshake: the bencoded dict carried by an `extended` message with id 0.
// `m` maps extension names to the message ids the SENDER wants to receive them on (0 = disabled).
// Every field is optional and unknown keys are ignored; wrongly typed fields read as absent,
// since a peer's odd handshake should cost it that field, not the connection.

import { TesseraError } from '../errors.ts';
import { bdecode, getBytes, getDict, getInt, isDict } from '../bencode/decode.ts';
import { bencode, type BEncodable } from '../bencode/encode.ts';
import { formatIPv4, formatIPv6, parseIp } from './compact.ts';

export interface ExtensionHandshake {
  /** Extension name → message id (1..255); names the peer disabled (id 0) are left out. */
  m: Map<string, number>;
  /** `p`: the sender's TCP listen port. */
  port?: number;
  /** `v`: client name and version, for the UI. */
  client?: string;
  /** `yourip`: our address as the peer sees it. */
  yourIp?: string;
  /** `ipv6` / `ipv4`: the sender's own addresses. */
  ipv6?: string;
  ipv4?: string;
  /** `reqq`: how many outstanding requests the sender accepts. */
  reqq?: number;
  /** `metadata_size` (BEP 9): size of the info dict in bytes. */
  metadataSize?: number;
  /** `upload_only` (BEP 21): the sender is a seed or partial seed and will not download. */
  uploadOnly?: boolean;
}

/** Cap on the number of extension names we keep from one peer. */
const MAX_EXTENSIONS = 64;

function ipField(b: Uint8Array | undefined): string | undefined {
  if (b === undefined) return undefined;
  if (b.length === 4) return formatIPv4(b);
  if (b.length === 16) return formatIPv6(b);
  return undefined;
}

export function decodeExtensionHandshake(payload: Uint8Array): ExtensionHandshake {
  const d = bdecode(payload);
  if (!isDict(d)) throw new TesseraError('WIRE_PROTOCOL', 'extension handshake is not a dictionary');
  const m = new Map<string, number>();
  const md = getDict(d, 'm');
  if (md !== undefined) {
    for (const [name, id] of md) {
      if (m.size >= MAX_EXTENSIONS) break;
      if (typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 255) m.set(name, id);
    }
  }
  const out: ExtensionHandshake = { m };
  const p = getInt(d, 'p');
  if (p !== undefined && p > 0 && p <= 0xffff) out.port = p;
  const v = getBytes(d, 'v');
  if (v !== undefined) out.client = printable(new TextDecoder('utf-8').decode(v.subarray(0, 100)));
  const yourIp = ipField(getBytes(d, 'yourip'));
  if (yourIp !== undefined) out.yourIp = yourIp;
  const ipv6 = getBytes(d, 'ipv6');
  if (ipv6 !== undefined && ipv6.length === 16) out.ipv6 = formatIPv6(ipv6);
  const ipv4 = getBytes(d, 'ipv4');
  if (ipv4 !== undefined && ipv4.length === 4) out.ipv4 = formatIPv4(ipv4);
  const reqq = getInt(d, 'reqq');
  if (reqq !== undefined && reqq > 0) out.reqq = reqq;
  const ms = getInt(d, 'metadata_size');
  if (ms !== undefined && ms > 0) out.metadataSize = ms;
  const uo = getInt(d, 'upload_only');
  if (uo !== undefined) out.uploadOnly = uo !== 0;
  return out;
}

export function encodeExtensionHandshake(h: ExtensionHandshake): Uint8Array {
  const m = new Map<string, BEncodable>();
  for (const [name, id] of h.m) {
    if (!Number.isInteger(id) || id < 0 || id > 255) throw new TesseraError('BAD_ARGUMENT', `extension id for ${name} out of range: ${id}`);
    m.set(name, id);
  }
  const d = new Map<string, BEncodable>([['m', m]]);
  if (h.port !== undefined) d.set('p', h.port);
  if (h.client !== undefined) d.set('v', h.client);
  if (h.reqq !== undefined) d.set('reqq', h.reqq);
  if (h.metadataSize !== undefined) d.set('metadata_size', h.metadataSize);
  if (h.uploadOnly !== undefined) d.set('upload_only', h.uploadOnly ? 1 : 0);
  const addr = (key: string, ip: string | undefined, len?: number): void => {
    if (ip === undefined) return;
    const b = parseIp(ip);
    if (b === null || (len !== undefined && b.length !== len)) throw new TesseraError('BAD_ARGUMENT', `${key}: not an address: ${ip}`);
    d.set(key, b);
  };
  addr('yourip', h.yourIp);
  addr('ipv6', h.ipv6, 16);
  addr('ipv4', h.ipv4, 4);
  return bencode(d);
}

/** Replace control characters so a peer's string cannot play tricks in a terminal or the UI. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
}
