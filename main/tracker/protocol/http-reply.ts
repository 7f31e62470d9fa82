// Bencoded HTTP tracker replies (BEP 3, 23, 7, 48). Pure. Errors are replies too: clients expect
// HTTP 200 with a bencoded `failure reason`, and a `warning message` beside a normal reply.
import bencode, { type Encodable } from 'bencode';
import { bytesToIp, compactPort } from './address.ts';

export interface AnnounceReply {
  interval: number;
  minInterval: number;
  complete: number;
  incomplete: number;
  /** Concatenated compact IPv4 peers (6 bytes each), latin1. */
  peers4: string;
  /** Concatenated compact IPv6 peers (18 bytes each), latin1. */
  peers6: string;
  /** Peer ids of the peers above, in the same order (IPv4 then IPv6), for non-compact replies. */
  peerIds?: string[];
  warning?: string;
}

export type ReplyFormat = { compact: true } | { compact: false; noPeerId: boolean };

function latin1(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

export function encodeAnnounceReply(r: AnnounceReply, format: ReplyFormat): Uint8Array {
  const base: Record<string, Encodable> = {
    interval: r.interval,
    'min interval': r.minInterval,
    complete: r.complete,
    incomplete: r.incomplete,
  };
  if (r.warning !== undefined) base['warning message'] = r.warning;
  if (format.compact) {
    base.peers = latin1(r.peers4);
    if (r.peers6.length > 0) base.peers6 = latin1(r.peers6);
    return bencode.encode(base);
  }
  // BEP 3's original form: a list of dictionaries, IPv6 addresses written out as text.
  const list: Encodable[] = [];
  let n = 0;
  for (const [all, size] of [[r.peers4, 6], [r.peers6, 18]] as const) {
    for (let off = 0; off + size <= all.length; off += size, n++) {
      const c = all.slice(off, off + size);
      const entry: Record<string, Encodable> = { ip: bytesToIp(c.slice(0, size - 2)), port: compactPort(c) };
      const id = r.peerIds?.[n];
      if (!format.noPeerId && id !== undefined) entry['peer id'] = latin1(id);
      list.push(entry);
    }
  }
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
