// TCP edge of the engine: a listening socket and outgoing dials, both bounded by timeouts.
// Nothing here knows about BitTorrent; the session routes accepted sockets by their handshake.
import net from 'node:net';
import { Readable } from 'node:stream';
import { TesseraError } from '../errors.ts';

/**
 * Outgoing sockets read into this one buffer (net's `onread`) instead of a fresh 64 KiB Buffer per
 * read: no allocation and no GC per read, and a read can take up to 1 MiB. One buffer serves every
 * socket because a read callback runs to completion before the next read into it: whoever takes
 * the bytes (a ReadSink) must use or copy them before returning.
 */
const READ_BUFFER_SIZE = 1 << 20;
let readBuffer: Uint8Array | undefined;
const sharedReadBuffer = (): Uint8Array => (readBuffer ??= new Uint8Array(READ_BUFFER_SIZE));

/** Takes bytes valid only for the duration of the call (they live in the shared read buffer). */
export type ReadSink = (chunk: Uint8Array) => void;
const sinks = new WeakMap<net.Socket, ReadSink | null>();

/**
 * Route a dialled socket's reads to `sink` (zero-copy). Returns false for sockets that were not
 * dialled here (incoming, or a stream layered on top such as MSE): use 'data' events for those.
 * Bytes that arrived before the sink was set are delivered to it first.
 */
export function setReadSink(socket: object, sink: ReadSink): boolean {
  if (hasOwnReadSink(socket)) return socket.setReadSink(sink);
  if (!(socket instanceof net.Socket) || !sinks.has(socket)) return false;
  sinks.set(socket, sink);
  for (let c = socket.read() as Buffer | null; c !== null; c = socket.read() as Buffer | null) sink(c);
  return true;
}

/**
 * A stream layered over a socket (the MSE EncryptedStream) that can pass zero-copy reads through
 * itself: it answers false when the socket underneath cannot (then 'data' events are used).
 */
export interface ReadSinkSource {
  setReadSink(sink: ReadSink): boolean;
}

/** Whether setReadSink would take this socket itself (a dialled net.Socket reading into the shared buffer). */
export function hasZeroCopyReads(socket: object): boolean {
  return socket instanceof net.Socket && sinks.has(socket);
}

function hasOwnReadSink(x: object): x is ReadSinkSource {
  return typeof (x as Partial<ReadSinkSource>).setReadSink === 'function';
}

/**
 * Most bytes one socket delivers per event-loop turn. libuv reads a readable socket up to 32
 * times before it returns to the loop, so from a fast peer one turn could take 32 MiB (~150 ms of
 * decoding and hashing) while file-write completions and timers wait: measured at the start of a
 * 1 GiB download, the first piece's write took 240 ms to complete and the download stalled on it.
 * Past this budget the socket stops reading and resumes in the next turn's check phase.
 */
const READ_TURN_BUDGET = 1 << 20;
/** Bytes each socket has delivered in the current turn; the set is cleared once per turn. */
const turnBytes = new Map<net.Socket, number>();
const yielded: net.Socket[] = [];
let turnScheduled = false;

function nextTurn(): void {
  turnScheduled = false;
  turnBytes.clear();
  // A socket paused meanwhile by its owner (a download limit) stays paused: resume() is theirs.
  for (const s of yielded.splice(0)) if (!s.destroyed && !s.isPaused()) s.resume();
}

function onRead(socket: net.Socket, n: number, buf: Uint8Array): boolean {
  const sink = sinks.get(socket);
  if (sink) {
    const bytes = (turnBytes.get(socket) ?? 0) + n;
    turnBytes.set(socket, bytes);
    if (!turnScheduled) {
      turnScheduled = true;
      setImmediate(nextTurn);
    }
    sink(buf.subarray(0, n));
    if (bytes >= READ_TURN_BUDGET && !socket.destroyed) {
      yielded.push(socket);
      return false; // net stops reading (readStop) until resume()
    }
  } else {
    // No sink yet (or another reader, such as an MSE handshake, uses the stream interface): hand
    // a copy to the ordinary stream machinery so 'data' and read() behave as usual. Its answer is
    // the backpressure: false stops reading until the stream is read again.
    return Readable.prototype.push.call(socket, Buffer.from(buf.subarray(0, n))) as boolean;
  }
  return true;
}

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
    const socket: net.Socket = net.connect({
      host, port, noDelay: true,
      onread: { buffer: sharedReadBuffer, callback: (n: number, buf: Uint8Array) => onRead(socket, n, buf) },
    });
    sinks.set(socket, null);
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
