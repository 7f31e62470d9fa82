// Bencoded HTTP tracker replies (BEP 3, 23, 7, 48). Pure. Errors are replies too: clients expect
// HTTP 200 with a bencoded `failure reason`, and a `warning message` beside a normal reply.
import bencode, { type Encodable } from 'bencode';
import { bytesToIp } from './address.ts';

export interface AnnounceReply {
  interval: number;
  minInterval: number;
  complete: number;
  incomplete: number;
  /** IPv4 peers as compact addresses: 4 address bytes + 2 port bytes each (BEP 23). */
  compact4: Uint8Array;
  /** IPv6 peers as compact addresses: 16 + 2 bytes each (BEP 7). */
  compact6: Uint8Array;
  /** Peer ids, entry for entry, for the dictionary form (left out when absent). */
  ids4?: readonly string[];
  ids6?: readonly string[];
  warning?: string;
}

export type ReplyFormat = { compact: true } | { compact: false; noPeerId: boolean };

function latin1(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/**
 * The compact reply is the hot path of the tracker (every announce), so it is written straight
 * into one buffer instead of going through the generic `bencode` encoder (which sorts keys,
 * makes a BigInt per integer and concatenates a buffer per token). Keys are in bencode order;
 * http-reply.test.ts checks the bytes equal bencode.encode() of the same dictionary.
 */
function encodeCompact(r: AnnounceReply): Uint8Array {
  const n4 = r.compact4.length;
  const n6 = r.compact6.length;
  const head = `d8:completei${Math.trunc(r.complete)}e10:incompletei${Math.trunc(r.incomplete)}e8:intervali${Math.trunc(r.interval)}e12:min intervali${Math.trunc(r.minInterval)}e5:peers${n4}:`;
  const mid = n6 > 0 ? `6:peers6${n6}:` : '';
  const warn = r.warning === undefined ? '' : `15:warning message${Buffer.byteLength(r.warning)}:`;
  const warnBytes = r.warning === undefined ? 0 : Buffer.byteLength(r.warning);
  const out = Buffer.allocUnsafe(head.length + n4 + mid.length + n6 + warn.length + warnBytes + 1);
  let off = out.write(head, 0, 'latin1');
  out.set(r.compact4, off);
  off += n4;
  if (n6 > 0) {
    off += out.write(mid, off, 'latin1');
    out.set(r.compact6, off);
    off += n6;
  }
  if (r.warning !== undefined) {
    off += out.write(warn, off, 'latin1');
    off += out.write(r.warning, off, 'utf8');
  }
  out[off] = 0x65; // 'e'
  return out;
}

export function encodeAnnounceReply(r: AnnounceReply, format: ReplyFormat): Uint8Array {
  if (format.compact) return encodeCompact(r);
  const base: Record<string, Encodable> = {
    interval: r.interval,
    'min interval': r.minInterval,
    complete: r.complete,
    incomplete: r.incomplete,
  };
  if (r.warning !== undefined) base['warning message'] = r.warning;
  // BEP 3's original form: a list of dictionaries, IPv6 addresses written out as text.
  const list: Encodable[] = [];
  const add = (bytes: Uint8Array, width: number, ids: readonly string[] | undefined): void => {
    for (let i = 0, o = 0; o + width <= bytes.length; i++, o += width) {
      const ip = Buffer.from(bytes.buffer, bytes.byteOffset + o, width - 2).toString('latin1');
      const entry: Record<string, Encodable> = { ip: bytesToIp(ip), port: ((bytes[o + width - 2] ?? 0) << 8) | (bytes[o + width - 1] ?? 0) };
      const id = ids?.[i];
      if (!format.noPeerId && id !== undefined) entry['peer id'] = latin1(id);
      list.push(entry);
    }
  };
  add(r.compact4, 6, r.ids4);
  add(r.compact6, 18, r.ids6);
  base.peers = list;
  return bencode.encode(base);
}

export function encodeFailure(reason: string, retryIn?: number): Uint8Array {
  const d: Record<string, Encodable> = { 'failure reason': reason };
  if (retryIn !== undefined) d['retry in'] = retryIn; // BEP 31
  return bencode.encode(d);
}

export interface ScrapeEntry { infoHash: string; complete: number; incomplete: number; downloaded: number }

/**
 * { files: { <20-byte hash>: { complete, downloaded, incomplete } } }. The outer dictionaries are
 * written by hand: their keys are binary, and the `bencode` package sorts Map keys as text and
 * encodes string keys as UTF-8, which would corrupt or misorder raw info-hashes.
 */
export function encodeScrapeReply(entries: ScrapeEntry[], interval?: number): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.infoHash < b.infoHash ? -1 : a.infoHash > b.infoHash ? 1 : 0));
  const parts: Uint8Array[] = [latin1('d5:filesd')];
  for (const e of sorted) {
    parts.push(latin1(`20:${e.infoHash}`));
    parts.push(bencode.encode({ complete: e.complete, downloaded: e.downloaded, incomplete: e.incomplete }));
  }
  parts.push(latin1('e'));
  if (interval !== undefined) parts.push(bencode.encode({ flags: { min_request_interval: interval } }).subarray(1, -1));
  parts.push(latin1('e'));
  return Buffer.concat(parts);
}
