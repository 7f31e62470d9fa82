// The standalone tracker's HTTP server: TCP connections (tcp-conn.ts: raw libuv handles, or
// node:net) plus protocol/http-request.ts instead of node:http. A tracker request is one short
// GET with no body, so a full HTTP stack (request and response objects, header maps, streams)
// is most of the cost of answering it; this serves the same http-core.ts logic for a fraction
// of the CPU. (createTrackerHandler remains the way to mount the tracker in an existing
// node:http server or framework.)
// Bounds: the head of a request (8 KiB), connections (10,000), idle time (15 s, checked by one
// sweep of all connections), and pipelined requests (reading pauses while the socket's write
// buffer is full). A request with a body or a malformed head is answered and the connection closed.
import { parseRequestHead } from './protocol/http-request.ts';
import { listenTcp, type TcpConn, type TcpTransport } from './tcp-conn.ts';
import type { CoreRequest, CoreResponse } from './http-core.ts';

export interface FastHttpOptions {
  host: string;
  port: number;
  maxHeadBytes?: number;
  idleTimeoutMs?: number;
  maxConnections?: number;
  /** Default: raw handles where available (tcp-conn.ts). */
  transport?: TcpTransport;
}

export interface FastHttpServer {
  port: number;
  transport: TcpTransport;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 431: 'Request Header Fields Too Large', 505: 'HTTP Version Not Supported' };

// The head of a reply up to its Content-Length value, per status and type, as bytes: built once
// (tracker replies are nearly all "200 text/plain"), copied per reply.
const heads = new Map<string, Uint8Array>();
const KEEP_TAIL = Buffer.from('\r\n\r\n', 'latin1');
const CLOSE_TAIL = Buffer.from('\r\nConnection: close\r\n\r\n', 'latin1');

function headOf(status: number, type: string): Uint8Array {
  const key = `${status} ${type}`;
  let h = heads.get(key);
  if (h === undefined) {
    h = Buffer.from(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: ${type}\r\nContent-Length: `, 'latin1');
    if (heads.size < 64) heads.set(key, h); // a handful of (status, type) pairs exist; bound it anyway
  }
  return h;
}

let lastHead: Uint8Array = headOf(200, 'text/plain');
let lastStatus = 200;
let lastType = 'text/plain';

function serialize(status: number, type: string, body: Uint8Array | string, close: boolean): Buffer {
  if (status !== lastStatus || type !== lastType) { lastHead = headOf(status, type); lastStatus = status; lastType = type; }
  const head = lastHead;
  const bodyLen = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const len = String(bodyLen);
  const tail = close ? CLOSE_TAIL : KEEP_TAIL;
  const out = Buffer.allocUnsafe(head.length + len.length + tail.length + bodyLen);
  out.set(head, 0);
  let off = head.length;
  for (let i = 0; i < len.length; i++) out[off++] = len.charCodeAt(i);
  out.set(tail, off);
  off += tail.length;
  if (typeof body === 'string') out.write(body, off, 'utf8');
  else out.set(body, off);
  return out;
}

/** One open connection and when it last sent anything (the coarse clock below). */
interface Conn { tcp: TcpConn; lastSeen: number; requests: number }

export async function startFastHttpServer(core: (r: CoreRequest) => CoreResponse | undefined, opts: FastHttpOptions): Promise<FastHttpServer> {
  const maxHead = opts.maxHeadBytes ?? 8192;
  const idle = opts.idleTimeoutMs ?? 15_000;
  const conns = new Set<Conn>();
  // Idle connections are found by one sweep over all of them, about 10 times per timeout,
  // instead of a timer per connection (re-armed on every read and write, one per connection is
  // a measurable part of a one-request connection's cost).
  let clock = Date.now();
  const tick = Math.max(10, Math.min(1000, Math.floor(idle / 10)));
  const sweeper = setInterval(() => {
    clock = Date.now();
    for (const c of conns) if (clock - c.lastSeen >= idle) c.tcp.destroy();
  }, tick).unref();

  const onConnection = (tcp: TcpConn): void => {
    const conn: Conn = { tcp, lastSeen: clock, requests: 0 };
    conns.add(conn);
    tcp.onClose = () => conns.delete(conn);
    let pending: Buffer | undefined;
    let done = false;
    tcp.onData = (chunk: Buffer) => {
      if (done) return;
      conn.lastSeen = clock;
      let buf = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      pending = undefined;
      const replies: Buffer[] = [];
      let close = false;
      let rest = 0; // bytes after the last request answered
      while (buf.length > 0) {
        const h = parseRequestHead(buf, maxHead);
        if (h.kind === 'incomplete') {
          pending = Buffer.from(buf); // a copy: do not pin the whole read chunk
          break;
        }
        if (h.kind === 'invalid') {
          replies.push(serialize(h.status, 'text/plain', `${h.reason}\n`, true));
          close = true;
          rest = buf.length;
          break;
        }
        // The first reply on a connection goes out at once anyway; from the second request on
        // (keep-alive), replies must not wait behind Nagle for the client's delayed ACK.
        if (++conn.requests === 2) tcp.setNoDelay();
        const r = core({ method: h.method, url: h.target, remoteAddress: tcp.remoteAddress, forwardedFor: h.forwardedFor, hasBody: h.hasBody });
        close = !h.keepAlive || h.hasBody || (r?.close ?? false);
        replies.push(r === undefined ? serialize(404, 'text/plain', 'not found\n', close) : serialize(r.status, r.type, r.body, close));
        rest = buf.length - h.length;
        if (close) break;
        buf = buf.subarray(h.length);
      }
      if (replies.length > 0) tcp.write(replies.length === 1 ? (replies[0] as Buffer) : Buffer.concat(replies));
      if (close) {
        done = true;
        // The common one-request connection (Connection: close, nothing else sent, the reply
        // already handed to the kernel): close now, as opentracker does. The kernel still
        // delivers the reply and then a FIN; waiting for the client's FIN instead (end()) costs
        // another wake-up and read per connection. With unread bytes, or a reply still queued,
        // end it gracefully: closing then would reset the connection and could destroy the
        // reply in flight.
        if (rest === 0 && tcp.queuedBytes === 0) tcp.destroy();
        else tcp.end();
        return;
      }
      // Pipelined requests answered faster than the client reads: stop reading until it catches up.
      if (tcp.queuedBytes > 64 * 1024) {
        tcp.pause();
        tcp.onDrain = () => { tcp.onDrain = () => {}; tcp.resume(); };
      }
    };
  };

  const listenOpts = { host: opts.host, port: opts.port, maxConnections: opts.maxConnections ?? 10_000, ...(opts.transport ? { transport: opts.transport } : {}) };
  let listener;
  try {
    listener = await listenTcp(listenOpts, onConnection);
  } catch (e) {
    clearInterval(sweeper);
    throw e;
  }
  return {
    port: listener.port,
    transport: listener.transport,
    close: async () => {
      clearInterval(sweeper);
      for (const c of conns) c.tcp.destroy();
      await listener.close();
    },
  };
}
