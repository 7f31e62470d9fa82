// The few things the standalone HTTP server needs from a TCP connection, and a listener that
// provides them on one of two transports:
//   'raw' (default where available): libuv TCP handles driven directly (raw-tcp.ts);
//   'net': node:net sockets, the public API, used when the raw handles are not available.
// Why two: on a tracker, where most clients open a connection for one short GET, net.Socket's
// per-connection machinery (a Duplex stream, its state and events, a fresh buffer per read) is
// most of the user CPU of answering: measured here ~57 µs per one-request announce on node:net
// against ~32-37 µs on the raw handles, announce included (opentracker: ~11).
import { createServer, isIP, type Socket } from 'node:net';
import { rawTcpAvailable, listenRawTcp } from './raw-tcp.ts';

export type TcpTransport = 'raw' | 'net';

export interface TcpConn {
  /** The peer's address as node:net reports it (IPv4-mapped on a dual-stack socket), if known. */
  readonly remoteAddress: string | undefined;
  /** Bytes handed over for writing that the kernel has not taken yet. */
  readonly queuedBytes: number;
  /**
   * Set by the owner: a chunk arrived (valid only until onData returns: copy what you keep);
   * it closed; everything queued was written.
   */
  onData: (chunk: Buffer) => void;
  onClose: () => void;
  onDrain: () => void;
  write(data: Buffer): void;
  pause(): void;
  resume(): void;
  /** Sends what is queued, then a FIN; closes when the peer's FIN arrives (or destroy()). */
  end(): void;

  /** Closes now. */
  destroy(): void;
  /** TCP_NODELAY: a connection that serves a second request should not wait for Nagle. */
  setNoDelay(): void;
}

export interface TcpListener {
  port: number;
  transport: TcpTransport;
  close(): Promise<void>;
}

export interface TcpListenOptions {
  host: string;
  port: number;
  maxConnections: number;
  /** Default: 'raw' when the runtime has the handles and the host is an IP address, else 'net'. */
  transport?: TcpTransport;
}

export function listenTcp(opts: TcpListenOptions, onConnection: (c: TcpConn) => void): Promise<TcpListener> {
  // A host name needs net's DNS lookup before binding; the raw handles take addresses only.
  const transport = opts.transport ?? (rawTcpAvailable() && isIP(opts.host) !== 0 ? 'raw' : 'net');
  if (transport === 'raw') {
    if (!rawTcpAvailable()) throw new Error('raw TCP handles are not available in this runtime');
    return listenRawTcp(opts, onConnection);
  }
  return listenNetTcp(opts, onConnection);
}

class NetConn implements TcpConn {
  onData: (chunk: Buffer) => void = () => {};
  onClose: () => void = () => {};
  onDrain: () => void = () => {};

  constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose());
    socket.on('drain', () => this.onDrain());
  }

  get remoteAddress(): string | undefined { return this.socket.remoteAddress; }
  get queuedBytes(): number { return this.socket.writableLength; }
  write(data: Buffer): void { this.socket.write(data); }
  pause(): void { this.socket.pause(); }
  resume(): void { this.socket.resume(); }
  end(): void { this.socket.end(); }
  destroy(): void { this.socket.destroy(); }
  setNoDelay(): void { this.socket.setNoDelay(true); }
}

function listenNetTcp(opts: TcpListenOptions, onConnection: (c: TcpConn) => void): Promise<TcpListener> {
  const server = createServer((socket) => onConnection(new NetConn(socket)));
  server.maxConnections = opts.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr !== null ? addr.port : opts.port,
        transport: 'net',
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
