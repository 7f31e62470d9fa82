// TCP edge of the engine: a listening socket and outgoing dials, both bounded by timeouts.
// Nothing here knows about BitTorrent; the session routes accepted sockets by their handshake.
import net from 'node:net';
import { TesseraError } from '../errors.ts';

export interface ListenOptions {
  host: string;
  port: number;
  onConnection: (socket: net.Socket) => void;
}

export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

/** Tune a peer socket: no Nagle (requests are small and latency-bound), keep-alive probes off (the wire has its own). */
export function tuneSocket(socket: net.Socket): void {
  socket.setNoDelay(true);
}

export function listen(opts: ListenOptions): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ noDelay: true, pauseOnConnect: false }, (socket) => {
      tuneSocket(socket);
      // A reset from a peer must never reach the process as an unhandled 'error'.
      socket.on('error', () => socket.destroy());
      opts.onConnection(socket);
    });
    server.maxConnections = 4096;
    const onError = (e: Error): void => {
      reject(new TesseraError('IO_ERROR', `cannot listen on ${opts.host}:${opts.port}: ${e.message}`, { cause: e }));
    };
    server.once('error', onError);
    server.listen({ host: opts.host, port: opts.port, exclusive: true }, () => {
      server.off('error', onError);
      server.on('error', () => { /* accept errors (EMFILE…) are transient; the server keeps listening */ });
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
      resolve({
        port,
        close: () => new Promise<void>((res) => server.close(() => res())),
      });
    });
  });
}

export interface DialOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Connect to host:port; rejects with IO_ERROR on refusal or timeout (default 10 s). */
export function dial(host: string, port: number, opts: DialOptions = {}): Promise<net.Socket> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new TesseraError('ABORTED', 'dial aborted'));
      return;
    }
    const socket = net.connect({ host, port, noDelay: true });
    const fail = (e: TesseraError): void => {
      cleanup();
      socket.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new TesseraError('IO_ERROR', `connect to ${host}:${port} timed out`)), timeoutMs);
    const onAbort = (): void => fail(new TesseraError('ABORTED', 'dial aborted'));
    const onError = (e: Error): void => fail(new TesseraError('IO_ERROR', `connect to ${host}:${port}: ${e.message}`, { cause: e }));
    const cleanup = (): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', () => {
      cleanup();
      tuneSocket(socket);
      socket.on('error', () => socket.destroy());
      resolve(socket);
    });
  });
}
