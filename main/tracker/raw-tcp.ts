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
    const methods = ['readStart', 'readStop', 'writeBuffer', 'shutdown', 'close', 'getpeername', 'getsockname', 'setNoDelay', 'bind', 'bind6', 'listen'];
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

class RawConn implements TcpConn {
  onData: (chunk: Buffer) => void = () => {};
  onClose: () => void = () => {};
  onDrain: () => void = () => {};
  queuedBytes = 0;
  private closed = false;
  private reading = true;
  private ending = false;
  private peer: string | undefined | null = null;

  constructor(private readonly h: Handle, private readonly b: Bindings, private readonly onGone: () => void) {
    const self = this;
    h.onread = function onread(ab) {
      const n = b.state[b.kReadBytesOrError] as number;
      if (n > 0 && ab !== undefined) {
        if (!self.ending) self.onData(Buffer.from(ab, b.state[b.kArrayBufferOffset] as number, n));
      } else if (n < 0) {
        self.destroy(); // EOF or a read error: either way this connection is over
      }
    };
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
    const req = new this.b.WriteWrap();
    req.handle = this.h;
    req.async = false;
    req.bytes = data.length;
    req.buffer = data; // keeps the bytes alive until libuv has written them
    const len = data.length;
    req.oncomplete = (status: number): void => {
      req.buffer = null;
      this.queuedBytes -= len;
      if (status < 0) { this.destroy(); return; }
      if (this.queuedBytes === 0 && !this.closed) this.onDrain();
    };
    const err = this.h.writeBuffer(req, data);
    if (err !== 0) { this.destroy(); return; }
    if (this.b.state[this.b.kLastWriteWasAsync] !== 0) this.queuedBytes += len;
    else req.buffer = null;
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
    this.h.readStop();
    this.h.close();
    this.onGone();
    this.onClose();
  }

  setNoDelay(): void {
    if (!this.closed) this.h.setNoDelay(true);
  }
}

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
  let open = 0;
  let closing = false;
  server.onconnection = (e, client) => {
    if (e !== 0 || client === undefined) return; // EMFILE and the like: the client retries
    if (closing || open >= opts.maxConnections) { client.close(); return; }
    open++;
    onConnection(new RawConn(client, b, () => { open--; }));
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
