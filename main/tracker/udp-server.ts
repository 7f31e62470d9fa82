// The BEP 15 UDP tracker: one datagram socket, stateless per client (connection ids are
// derived, see connection-id.ts). Decoding and encoding live in protocol/udp.ts.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { ConnectionIds } from './connection-id.ts';
import type { Tracker } from './tracker.ts';
import { compactPeer, ipToBytes } from './protocol/address.ts';
import {
  encodeAnnounceReply, encodeConnectReply, encodeErrorReply, encodeScrapeReply, parseUdpRequest,
} from './protocol/udp.ts';

export interface UdpTrackerOptions {
  host: string;
  port: number;
  /** Connection-id secret rotation; ids live 1-2 periods. Default 120 s. */
  rotateMs?: number;
}

export interface UdpTracker {
  socket: Socket;
  port: number;
  close(): Promise<void>;
}

// The last source address parsed: datagrams come in runs from one address (a client's
// announces, a NAT), so its text form is not parsed again for each one.
let lastText = '';
let lastFrom: ReturnType<typeof ipToBytes>;

export function handleDatagram(tracker: Tracker, ids: ConnectionIds, msg: Buffer, rinfo: RemoteInfo): Buffer | undefined {
  if (rinfo.address !== lastText) { lastText = rinfo.address; lastFrom = ipToBytes(rinfo.address); }
  const from = lastFrom;
  if (from === undefined) return undefined;
  const r = parseUdpRequest(msg);
  switch (r.action) {
    case 'drop':
      tracker.stats.counts.errors++;
      return undefined;
    case 'error':
      tracker.stats.counts.errors++;
      return encodeErrorReply(r.transactionId, r.reason);
    case 'connect':
      tracker.stats.counts.connects++;
      return encodeConnectReply(r.transactionId, ids.issue(from.bytes));
    case 'announce': {
      if (!ids.verify(r.connectionId, from.bytes)) {
        tracker.stats.counts.errors++;
        return encodeErrorReply(r.transactionId, 'invalid or expired connection id');
      }
      const out = tracker.announce(r.request, from, 'udp');
      if ('refused' in out) return encodeErrorReply(r.transactionId, out.refused);
      return encodeAnnounceReply({
        transactionId: r.transactionId, interval: tracker.interval,
        leechers: out.incomplete, seeders: out.complete, peers: from.family === 4 ? out.compact4 : out.compact6,
      });
    }
    case 'scrape': {
      if (!ids.verify(r.connectionId, from.bytes)) {
        tracker.stats.counts.errors++;
        return encodeErrorReply(r.transactionId, 'invalid or expired connection id');
      }
      const rows = tracker.scrape(r.infoHashes);
      return encodeScrapeReply(r.transactionId, rows.map((x) => ({ seeders: x.complete, completed: x.downloaded, leechers: x.incomplete })));
    }
  }
}

export function startUdpTracker(tracker: Tracker, opts: UdpTrackerOptions): Promise<UdpTracker> {
  const ids = new ConnectionIds(opts.rotateMs === undefined ? {} : { rotateMs: opts.rotateMs });
  const socket = createSocket({ type: isIPv6(opts.host) ? 'udp6' : 'udp4', reuseAddr: false });
  socket.on('message', (msg, rinfo) => {
    const reply = handleDatagram(tracker, ids, msg, rinfo);
    // No callback: send errors surface as 'error' events, handled below.
    if (reply !== undefined) socket.send(reply, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    socket.once('error', onError);
    socket.bind(opts.port, opts.host, () => {
      socket.off('error', onError);
      // Bursts of announces arrive faster than one event-loop turn drains them: a larger kernel
      // queue turns them into latency instead of loss. (Capped by net.core.rmem_max; best effort.)
      try { socket.setRecvBufferSize(4 << 20); socket.setSendBufferSize(1 << 20); } catch { /* keep the defaults */ }
      // After binding, a socket error (e.g. ICMP unreachable on some systems) must not crash us.
      socket.on('error', () => { tracker.stats.counts.errors++; });
      resolve({
        socket,
        port: socket.address().port,
        close: () => new Promise<void>((r) => socket.close(() => r())),
      });
    });
  });
}
