// Pure BEP 15 (UDP tracker) packet codec. Big-endian throughout.
//   connect:  <protocol_id 0x41727101980:i64><action 0:i32><transaction_id:i32>
//   announce: <connection_id:i64><action 1><tid><info_hash 20><peer_id 20><downloaded:i64><left:i64>
//             <uploaded:i64><event:i32><ip:u32><key:u32><num_want:i32><port:u16>       (98 bytes)
//   scrape:   <connection_id:i64><action 2><tid><info_hash 20>*N
//   replies start <action:i32><tid:i32>; action 3 is an error with a text message.
// Announce replies carry 6-byte peers to an IPv4 socket and 18-byte peers to an IPv6 one.

import { TesseraError } from '../errors.ts';
import { parseCompactPeers, type PeerAddress } from '../wire/compact.ts';
import { printable } from '../wire/extension-handshake.ts';
import { MAX_PEERS_PER_REPLY, type AnnounceParams, type ScrapeEntry } from './tracker-codec.ts';

export const PROTOCOL_ID = 0x41727101980n;
export const ACTION_CONNECT = 0;
export const ACTION_ANNOUNCE = 1;
export const ACTION_SCRAPE = 2;
export const ACTION_ERROR = 3;
/** BEP 15 allows about 74 info-hashes per scrape packet. */
export const MAX_SCRAPE_HASHES = 74;

const EVENTS = { none: 0, completed: 1, started: 2, stopped: 3 } as const;

export type UdpReply =
  | { action: 'connect'; transactionId: number; connectionId: bigint }
  | { action: 'announce'; transactionId: number; interval: number; leechers: number; seeders: number; peers: PeerAddress[] }
  | { action: 'scrape'; transactionId: number; entries: ScrapeEntry[] }
  | { action: 'error'; transactionId: number; message: string };

export function encodeConnect(transactionId: number): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, PROTOCOL_ID);
  v.setUint32(8, ACTION_CONNECT);
  v.setUint32(12, transactionId >>> 0);
  return out;
}

export function encodeAnnounce(connectionId: bigint, transactionId: number, p: AnnounceParams): Uint8Array {
  const out = new Uint8Array(98);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, connectionId);
  v.setUint32(8, ACTION_ANNOUNCE);
  v.setUint32(12, transactionId >>> 0);
  out.set(p.infoHash.subarray(0, 20), 16);
  out.set(p.peerId.subarray(0, 20), 36);
  v.setBigUint64(56, BigInt(p.downloaded));
  v.setBigUint64(64, BigInt(p.left));
  v.setBigUint64(72, BigInt(p.uploaded));
  v.setUint32(80, EVENTS[p.event]);
  v.setUint32(84, 0); // ip: 0 = the packet's source address
  v.setUint32(88, (p.key ?? 0) >>> 0);
  v.setInt32(92, p.numWant ?? -1);
  v.setUint16(96, p.port);
  return out;
}

export function encodeScrape(connectionId: bigint, transactionId: number, infoHashes: Uint8Array[]): Uint8Array {
  if (infoHashes.length > MAX_SCRAPE_HASHES) throw new TesseraError('BAD_ARGUMENT', `at most ${MAX_SCRAPE_HASHES} info-hashes per UDP scrape`);
  const out = new Uint8Array(16 + 20 * infoHashes.length);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, connectionId);
  v.setUint32(8, ACTION_SCRAPE);
  v.setUint32(12, transactionId >>> 0);
  infoHashes.forEach((h, i) => out.set(h.subarray(0, 20), 16 + 20 * i));
  return out;
}

/** Only the transaction id, to route a packet before parsing it; null when too short. */
export function peekTransactionId(packet: Uint8Array): number | null {
  if (packet.length < 8) return null;
  return new DataView(packet.buffer, packet.byteOffset, packet.byteLength).getUint32(4);
}

/**
 * Parse a tracker's reply. `family` is the address family of our socket, which decides the
 * size of announce peer entries. Throws TRACKER_PROTOCOL on malformed packets.
 */
export function parseUdpReply(packet: Uint8Array, family: 4 | 6): UdpReply {
  if (packet.length < 8) throw new TesseraError('TRACKER_PROTOCOL', `UDP tracker packet of ${packet.length} bytes`);
  const v = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const action = v.getUint32(0);
  const transactionId = v.getUint32(4);
  switch (action) {
    case ACTION_CONNECT:
      if (packet.length < 16) throw new TesseraError('TRACKER_PROTOCOL', 'short UDP connect reply');
      return { action: 'connect', transactionId, connectionId: v.getBigUint64(8) };
    case ACTION_ANNOUNCE: {
      // opentracker answers a torrent it does not serve with a bare 8-byte header: report it as
      // the refusal it is, so the user sees a tracker error rather than a protocol fault.
      if (packet.length < 20) return { action: 'error', transactionId, message: 'tracker refused the announce (empty reply: torrent not registered?)' };
      const size = family === 4 ? 6 : 18;
      const body = packet.subarray(20);
      // Trailing partial entries are dropped rather than failing the whole announce.
      const peers = parseCompactPeers(body.subarray(0, body.length - (body.length % size)), family, MAX_PEERS_PER_REPLY);
      return { action: 'announce', transactionId, interval: v.getUint32(8), leechers: v.getUint32(12), seeders: v.getUint32(16), peers };
    }
    case ACTION_SCRAPE: {
      const entries: ScrapeEntry[] = [];
      for (let at = 8; at + 12 <= packet.length && entries.length < MAX_SCRAPE_HASHES; at += 12) {
        entries.push({ complete: v.getUint32(at), downloaded: v.getUint32(at + 4), incomplete: v.getUint32(at + 8) });
      }
      return { action: 'scrape', transactionId, entries };
    }
    case ACTION_ERROR:
      return { action: 'error', transactionId, message: printable(new TextDecoder('utf-8').decode(packet.subarray(8, 8 + 500))) || 'tracker error' };
    default:
      throw new TesseraError('TRACKER_PROTOCOL', `unknown UDP tracker action ${action}`);
  }
}
