// BEP 15 UDP tracker packets -> typed requests, and replies -> bytes. Pure.
// Rules taken from the BEP: all integers big-endian; a request is at least 16 bytes; clients may
// append bytes we do not know (BEP 41 options after byte 98 of an announce), so only minimum
// sizes are checked; IPv6 announces get 18-byte peer entries. Packets too short to carry a
// transaction id get no reply at all (there is nothing to match it to).
import type { AnnounceEvent, AnnounceRequest } from './types.ts';
import { MAX_UDP_SCRAPE_HASHES } from './types.ts';

export const PROTOCOL_ID_HI = 0x417;
export const PROTOCOL_ID_LO = 0x27101980;

export const ACTION_CONNECT = 0;
export const ACTION_ANNOUNCE = 1;
export const ACTION_SCRAPE = 2;
export const ACTION_ERROR = 3;

export const ANNOUNCE_MIN_BYTES = 98;

const UDP_EVENTS: readonly AnnounceEvent[] = ['none', 'completed', 'started', 'stopped'];

export type UdpRequest =
  | { action: 'connect'; transactionId: number }
  | { action: 'announce'; transactionId: number; connectionId: Uint8Array; request: AnnounceRequest }
  | { action: 'scrape'; transactionId: number; connectionId: Uint8Array; infoHashes: string[] }
  /** A request we answer with an error packet. */
  | { action: 'error'; transactionId: number; reason: string }
  /** Too short to answer: dropped. */
  | { action: 'drop'; reason: string };

function u64(view: DataView, off: number): number {
  // Byte counts: a double is exact to 2^53, plenty for statistics; `left` is only compared with 0.
  return view.getUint32(off) * 0x100000000 + view.getUint32(off + 4);
}

function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

export function parseUdpRequest(b: Uint8Array): UdpRequest {
  if (b.length < 16) return { action: 'drop', reason: 'packet shorter than 16 bytes' };
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const action = view.getUint32(8);
  const transactionId = view.getUint32(12);
  const connectionId = b.subarray(0, 8);
  switch (action) {
    case ACTION_CONNECT:
      if (view.getUint32(0) !== PROTOCOL_ID_HI || view.getUint32(4) !== PROTOCOL_ID_LO) {
        return { action: 'error', transactionId, reason: 'bad protocol id in connect' };
      }
      return { action: 'connect', transactionId };
    case ACTION_ANNOUNCE: {
      if (b.length < ANNOUNCE_MIN_BYTES) return { action: 'error', transactionId, reason: 'announce shorter than 98 bytes' };
      const eventCode = view.getUint32(80);
      const event = UDP_EVENTS[eventCode];
      if (event === undefined) return { action: 'error', transactionId, reason: 'invalid event' };
      const port = view.getUint16(96);
      if (port === 0) return { action: 'error', transactionId, reason: 'invalid port' };
      const numwant = view.getInt32(92);
      // Bytes 84..92 are the optional ip and key: the ip is ignored (the source address is the
      // only one a tracker can believe), the key is not needed to identify a peer.
      const request: AnnounceRequest = {
        infoHash: latin1(b, 16, 36),
        peerId: latin1(b, 36, 56),
        downloaded: u64(view, 56),
        left: u64(view, 64),
        uploaded: u64(view, 72),
        event,
        numwant: numwant < 0 ? undefined : numwant,
        port,
        compact: true,
        noPeerId: true,
      };
      return { action: 'announce', transactionId, connectionId, request };
    }
    case ACTION_SCRAPE: {
      const n = Math.floor((b.length - 16) / 20);
      if (n === 0) return { action: 'error', transactionId, reason: 'scrape without info-hash' };
      if (n > MAX_UDP_SCRAPE_HASHES) return { action: 'error', transactionId, reason: `too many info-hashes (max ${MAX_UDP_SCRAPE_HASHES})` };
      const infoHashes: string[] = [];
      for (let i = 0; i < n; i++) infoHashes.push(latin1(b, 16 + 20 * i, 36 + 20 * i));
      return { action: 'scrape', transactionId, connectionId, infoHashes };
    }
    default:
      return { action: 'error', transactionId, reason: 'unknown action' };
  }
}

export function encodeConnectReply(transactionId: number, connectionId: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(16);
  out.writeUInt32BE(ACTION_CONNECT, 0);
  out.writeUInt32BE(transactionId >>> 0, 4);
  out.set(connectionId.subarray(0, 8), 8);
  return out;
}

export interface UdpAnnounceReply {
  transactionId: number;
  interval: number;
  leechers: number;
  seeders: number;
  /** Peers of ONE family: compact addresses (6 or 18 bytes each), back to back. */
  peers: Uint8Array;
}

export function encodeAnnounceReply(r: UdpAnnounceReply): Buffer {
  const out = Buffer.allocUnsafe(20 + r.peers.length);
  out.writeUInt32BE(ACTION_ANNOUNCE, 0);
  out.writeUInt32BE(r.transactionId >>> 0, 4);
  out.writeUInt32BE(clampU32(r.interval), 8);
  out.writeUInt32BE(clampU32(r.leechers), 12);
  out.writeUInt32BE(clampU32(r.seeders), 16);
  out.set(r.peers, 20);
  return out;
}

export interface UdpScrapeEntry { seeders: number; completed: number; leechers: number }

export function encodeScrapeReply(transactionId: number, entries: UdpScrapeEntry[]): Buffer {
  const out = Buffer.allocUnsafe(8 + 12 * entries.length);
  out.writeUInt32BE(ACTION_SCRAPE, 0);
  out.writeUInt32BE(transactionId >>> 0, 4);
  entries.forEach((e, i) => {
    out.writeUInt32BE(clampU32(e.seeders), 8 + 12 * i);
    out.writeUInt32BE(clampU32(e.completed), 12 + 12 * i);
    out.writeUInt32BE(clampU32(e.leechers), 16 + 12 * i);
  });
  return out;
}

export function encodeErrorReply(transactionId: number, message: string): Buffer {
  const msg = Buffer.from(message.slice(0, 200), 'utf8');
  const out = Buffer.allocUnsafe(8 + msg.length);
  out.writeUInt32BE(ACTION_ERROR, 0);
  out.writeUInt32BE(transactionId >>> 0, 4);
  msg.copy(out, 8);
  return out;
}

function clampU32(n: number): number {
  return n < 0 ? 0 : n > 0xffffffff ? 0xffffffff : Math.floor(n);
}
