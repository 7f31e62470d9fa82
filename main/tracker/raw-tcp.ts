// TCP connections on libuv handles driven directly, through the bindings node:net itself is
// built on (process.binding('tcp_wrap') and ('stream_wrap')), for the tracker's standalone HTTP
// server (see tcp-conn.ts for why). Only the calls net.js makes are used, the same way it makes
// them: TCP bind/listen/onconnection, readStart/readStop with an `onread` callback that reads
// the byte count from streamBaseState, writeBuffer with a WriteWrap (synchronous when the kernel
// takes it all, else completed through oncomplete), shutdown with a ShutdownWrap, close.
// rawTcpAvailable() checks every one of them first; where any is missing (another runtime or a
// future Node), the tracker uses node:net instead, so a change there costs speed, not service.
import { isIPv6 } from 'node:net';
import { getSystemErrorName } from 'node:util';
import type { TcpConn, TcpListener, TcpListenOptions } from './tcp-conn.ts';

interface Handle {
  /** Must always be a function: Node asserts on anything else (and aborts the process). */
  onread: (this: Handle, ab: ArrayBuffer | undefined) => void;
  readStart(): number;
  readStop(): number;
  useUserBuffer(buf: Uint8Array): void;
  writeBuffer(req: WriteReq, data: Uint8Array): number;
  shutdown(req: ShutdownReq): number;
  close(cb?: () => void): void;
  getpeername(out: { address?: string }): number;
  setNoDelay(on: boolean): number;
}
interface ServerHandle {
  onconnection: (err: number, client: Handle | undefined) => void;
  bind(host: string, port: number): number;
  bind6(host: string, port: number, flags: number): number;
  listen(backlog: number): number;
  getsockname(out: { port?: number }): number;
  close(cb?: () => void): void;
}
interface WriteReq { handle: Handle; oncomplete: (status: number) => void; async: boolean; bytes: number; buffer: Uint8Array | null }
interface ShutdownReq { handle: Handle; oncomplete: (status: number) => void }
interface Bindings {
  TCP: new (type: number) => ServerHandle;
  SERVER: number;
  WriteWrap: new () => WriteReq;
  ShutdownWrap: new () => ShutdownReq;
  state: Int32Array;
  kReadBytesOrError: number;
  kArrayBufferOffset: number;
  kLastWriteWasAsync: number;
}

let cached: Bindings | null | undefined;

function bindings(): Bindings | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    const binding = (process as unknown as { binding?: (name: string) => Record<string, unknown> }).binding;
    if (typeof binding !== 'function') return null;
    const tcp = binding('tcp_wrap') as { TCP?: unknown; constants?: { SERVER?: unknown } };
    const stream = binding('stream_wrap') as Record<string, unknown>;
    const proto = (tcp.TCP as { prototype?: Record<string, unknown> } | undefined)?.prototype;
    const methods = ['readStart', 'readStop', 'useUserBuffer', 'writeBuffer', 'shutdown', 'close', 'getpeername', 'getsockname', 'setNoDelay', 'bind', 'bind6', 'listen'];
    const ok = typeof tcp.TCP === 'function' && typeof tcp.constants?.SERVER === 'number'
      && proto !== undefined && methods.every((m) => typeof proto[m] === 'function')
      && typeof stream.WriteWrap === 'function' && typeof stream.ShutdownWrap === 'function'
      && stream.streamBaseState instanceof Int32Array
      && ['kReadBytesOrError', 'kArrayBufferOffset', 'kLastWriteWasAsync'].every((k) => typeof stream[k] === 'number');
    if (!ok) return null;
    cached = {
      TCP: tcp.TCP as Bindings['TCP'],
      SERVER: tcp.constants?.SERVER as number,
      WriteWrap: stream.WriteWrap as Bindings['WriteWrap'],
      ShutdownWrap: stream.ShutdownWrap as Bindings['ShutdownWrap'],
      state: stream.streamBaseState as Int32Array,
      kReadBytesOrError: stream.kReadBytesOrError as number,
      kArrayBufferOffset: stream.kArrayBufferOffset as number,
      kLastWriteWasAsync: stream.kLastWriteWasAsync as number,
    };
  } catch {
    cached = null;
  }
  return cached;
}

function ignoreRead(): void {}

export function rawTcpAvailable(): boolean {
  return bindings() !== null;
}

const noop = (): void => {};
/** The handle's connection, for the shared callbacks below (no closures per connection). */
const CONN = Symbol('tessera.rawConn');
type OwnedHandle = Handle & { [CONN]?: RawConn | undefined };
type OwnedWrite = WriteReq & { conn?: RawConn | undefined };

// Every connection reads into this one buffer (useUserBuffer, as net.Socket's `onread` option
// does): without it libuv allocates 64 KiB per read and Node copies the bytes into a new
// ArrayBuffer, which showed as malloc and GC time per connection. Safe because onData consumes
// each chunk before returning (fast-http-server copies what it keeps), and reads are never
// concurrent: they all run on this thread.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

// One read callback for every connection: `this` is the handle, as net.js's onStreamRead has it.
function onRead(this: OwnedHandle): void {
  const c = this[CONN];
  if (c === undefined) return;
  const b = c.b;
  const n = b.state[b.kReadBytesOrError] as number;
  if (n > 0) {
    if (!c.ending) c.onData(READ_BUFFER.subarray(0, n));
  } else if (n < 0) {
    c.destroy(); // EOF or a read error: either way this connection is over
  }
}

// Completion of a write libuv could not finish at once (`this` is the request).
function onWriteDone(this: OwnedWrite, status: number): void {
  const c = this.conn;
  this.buffer = null;
  this.conn = undefined;
  if (c === undefined) return;
  c.queuedBytes -= this.bytes;
  if (status < 0) c.destroy();
  else if (c.queuedBytes === 0 && !c.closed) c.onDrain();
}

class RawConn implements TcpConn {
  onData: (chunk: Buffer) => void = noop;
  onClose: () => void = noop;
  onDrain: () => void = noop;
  queuedBytes = 0;
  closed = false;
  ending = false;
  private reading = true;
  private peer: string | undefined | null = null;

  constructor(private readonly h: OwnedHandle, readonly b: Bindings, private readonly server: RawServer) {
    h[CONN] = this;
    h.onread = onRead;
    h.useUserBuffer(READ_BUFFER);
    if (h.readStart() !== 0) this.destroy();
  }

  get remoteAddress(): string | undefined {
    if (this.peer === null) {
      const out: { address?: string } = {};
      this.peer = !this.closed && this.h.getpeername(out) === 0 ? out.address : undefined;
    }
    return this.peer;
  }

  write(data: Buffer): void {
    if (this.closed || this.ending) return;
    const req = new this.b.WriteWrap() as OwnedWrite;
    req.handle = this.h;
    req.async = false;
    req.bytes = data.length;
    req.buffer = data; // keeps the bytes alive until libuv has written them
    req.oncomplete = onWriteDone;
    const err = this.h.writeBuffer(req, data);
    if (err !== 0) { this.destroy(); return; }
    if (this.b.state[this.b.kLastWriteWasAsync] !== 0) {
      req.conn = this;
      this.queuedBytes += data.length;
    } else {
      req.buffer = null;
    }
  }

  pause(): void {
    if (this.reading && !this.closed) { this.reading = false; this.h.readStop(); }
  }

  resume(): void {
    if (!this.reading && !this.closed) { this.reading = true; this.h.readStart(); }
  }

  end(): void {
    if (this.closed || this.ending) return;
    this.ending = true; // later data is read and dropped until the peer's FIN closes us
    this.resume();
    const req = new this.b.ShutdownWrap();
    req.handle = this.h;
    req.oncomplete = (status: number): void => { if (status < 0) this.destroy(); };
    if (this.h.shutdown(req) !== 0) this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.h.onread = ignoreRead;
    this.h[CONN] = undefined;
    this.h.readStop();
    this.h.close();
    this.server.open--;
    this.onClose();
  }

  setNoDelay(): void {
    if (!this.closed) this.h.setNoDelay(true);
  }
}

interface RawServer { open: number }

export function listenRawTcp(opts: TcpListenOptions, onConnection: (c: TcpConn) => void): Promise<TcpListener> {
  const b = bindings();
  if (b === null) return Promise.reject(new Error('raw TCP handles are not available in this runtime'));
  const server = new b.TCP(b.SERVER);
  const fail = (what: string, err: number): Promise<never> => {
    server.close();
    const code = getSystemErrorName(err);
    return Promise.reject(Object.assign(new Error(`${what} ${opts.host}:${opts.port}: ${code}`), { code }));
  };
  let err = isIPv6(opts.host) ? server.bind6(opts.host, opts.port, 0) : server.bind(opts.host, opts.port);
  if (err !== 0) return fail('bind', err);
  err = server.listen(511);
  if (err !== 0) return fail('listen', err);
  const counts: RawServer = { open: 0 };
  let closing = false;
  server.onconnection = (e, client) => {
    if (e !== 0 || client === undefined) return; // EMFILE and the like: the client retries
    if (closing || counts.open >= opts.maxConnections) { client.close(); return; }
    counts.open++;
    onConnection(new RawConn(client, b, counts));
  };
  const addr: { port?: number } = {};
  server.getsockname(addr);
  return Promise.resolve({
    port: addr.port ?? opts.port,
    transport: 'raw',
    close: () => new Promise<void>((resolve) => {
      closing = true;
      server.onconnection = (_e, client) => client?.close();
      server.close(() => resolve());
    }),
  });
}
