// The standalone tracker's HTTP server: node:net plus protocol/http-request.ts instead of
// node:http. A tracker request is one short GET with no body, so a full HTTP stack (request and
// response objects, header maps, streams) is most of the cost of answering it; this serves the
// same http-core.ts logic for a fraction of the CPU. (createTrackerHandler remains the way to
// mount the tracker in an existing node:http server or framework.)
// Bounds: the head of a request (8 KiB), connections (10,000), idle time (15 s), and pipelined
// requests (reading pauses while the socket's write buffer is full). A request with a body or a
// malformed head is answered and the connection closed.
import { createServer, type Server, type Socket } from 'node:net';
import { parseRequestHead } from './protocol/http-request.ts';
import type { CoreRequest, CoreResponse } from './http-core.ts';

export interface FastHttpOptions {
  host: string;
  port: number;
  maxHeadBytes?: number;
  idleTimeoutMs?: number;
  maxConnections?: number;
}

export interface FastHttpServer {
  port: number;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 431: 'Request Header Fields Too Large', 505: 'HTTP Version Not Supported' };

function serialize(status: number, type: string, body: Uint8Array | string, close: boolean): Buffer {
  const bodyLen = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const head = `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: ${type}\r\nContent-Length: ${bodyLen}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
  const out = Buffer.allocUnsafe(head.length + bodyLen);
  const off = out.write(head, 0, 'latin1');
  if (typeof body === 'string') out.write(body, off, 'utf8');
  else out.set(body, off);
  return out;
}

export function startFastHttpServer(core: (r: CoreRequest) => CoreResponse | undefined, opts: FastHttpOptions): Promise<FastHttpServer> {
  const maxHead = opts.maxHeadBytes ?? 8192;
  const idle = opts.idleTimeoutMs ?? 15_000;
  const sockets = new Set<Socket>();

  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(idle, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    let pending: Buffer | undefined;
    let done = false;
    socket.on('data', (chunk: Buffer) => {
      if (done) return;
      let buf = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      pending = undefined;
      const replies: Buffer[] = [];
      let close = false;
      while (buf.length > 0) {
        const h = parseRequestHead(buf, maxHead);
        if (h.kind === 'incomplete') {
          pending = Buffer.from(buf); // a copy: do not pin the whole read chunk
          break;
        }
        if (h.kind === 'invalid') {
          replies.push(serialize(h.status, 'text/plain', `${h.reason}\n`, true));
          close = true;
          break;
        }
        const r = core({ method: h.method, url: h.target, remoteAddress: socket.remoteAddress, forwardedFor: h.forwardedFor, hasBody: h.hasBody });
        close = !h.keepAlive || h.hasBody || (r?.close ?? false);
        replies.push(r === undefined ? serialize(404, 'text/plain', 'not found\n', close) : serialize(r.status, r.type, r.body, close));
        if (close) break;
        buf = buf.subarray(h.length);
      }
      if (replies.length > 0) socket.write(replies.length === 1 ? (replies[0] as Buffer) : Buffer.concat(replies));
      if (close) {
        done = true;
        socket.end();
        return;
      }
      // Pipelined requests answered faster than the client reads: stop reading until it catches up.
      if (socket.writableNeedDrain) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    });
  };

  const server: Server = createServer(onConnection);
  server.maxConnections = opts.maxConnections ?? 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr !== null ? addr.port : opts.port,
        close: () => new Promise<void>((r) => {
          server.close(() => r());
          for (const s of sockets) s.destroy();
        }),
      });
    });
  });
}
