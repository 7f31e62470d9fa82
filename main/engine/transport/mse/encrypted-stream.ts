// An RC4-encrypted peer stream over a TCP socket, after a completed MSE handshake. It looks like a
// socket to PeerConnection (a Duplex with remoteAddress/remotePort): writes are encrypted into one
// fresh buffer per batch (the caller's blocks stay untouched, and cork()ed writes leave as one
// _writev), received chunks are decrypted in place (they are ours alone). Back-pressure passes
// through both ways: a write completes only when the socket took it, and a full read side pauses
// the socket.
import { Duplex } from 'node:stream';
import type { PeerSocket } from '../peer-socket.ts';
import type { Rc4 } from '../rc4.ts';

export class EncryptedStream extends Duplex {
  readonly #socket: PeerSocket;
  readonly #enc: Rc4;
  readonly #dec: Rc4;

  constructor(socket: PeerSocket, enc: Rc4, dec: Rc4, initial: Uint8Array) {
    super({ allowHalfOpen: false, highWaterMark: 64 * 1024 });
    this.#socket = socket;
    this.#enc = enc;
    this.#dec = dec;
    if (initial.length > 0) this.push(Buffer.from(initial.buffer, initial.byteOffset, initial.length));
    socket.on('data', (chunk: Buffer) => {
      this.#dec.process(chunk);
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (e: Error) => this.destroy(e));
    socket.on('close', () => { if (!this.destroyed) this.destroy(); });
    socket.on('drain', () => this.#drained());
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }

  get localAddress(): string | undefined {
    return this.#socket.localAddress;
  }

  get remoteFamily(): string | undefined {
    return this.#socket.remoteFamily;
  }

  /** The socket underneath (for tuning and tests). */
  get socket(): PeerSocket {
    return this.#socket;
  }

  override _read(): void {
    if (this.#socket.isPaused()) this.#socket.resume();
  }

  #pending: Array<(e?: Error | null) => void> = [];

  #drained(): void {
    const cbs = this.#pending;
    this.#pending = [];
    for (const cb of cbs) cb();
  }

  #send(out: Buffer, cb: (e?: Error | null) => void): void {
    if (this.#socket.destroyed) { cb(new Error('socket closed')); return; }
    if (this.#socket.write(out)) cb();
    else this.#pending.push(cb);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const out = Buffer.allocUnsafe(chunk.length);
    out.set(chunk);
    this.#enc.process(out);
    this.#send(out, cb);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (e?: Error | null) => void): void {
    let n = 0;
    for (const c of chunks) n += c.chunk.length;
    const out = Buffer.allocUnsafe(n);
    let o = 0;
    for (const c of chunks) { out.set(c.chunk, o); o += c.chunk.length; }
    this.#enc.process(out);
    this.#send(out, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.#socket.end(() => cb());
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.#socket.destroy();
    this.#pending = []; // a destroyed Writable no longer waits for these
    cb(err);
  }
}
