// An RC4-encrypted peer stream over a TCP socket, after a completed MSE handshake. It looks like a
// socket to PeerConnection (a Duplex with remoteAddress/remotePort): writes are encrypted into one
// fresh buffer per batch (the caller's blocks stay untouched, and cork()ed writes leave as one
// _writev), received chunks are decrypted in place (they are ours alone). Back-pressure passes
// through both ways: a write completes only when the socket took it, and a full read side pauses
// the socket.
//
// Over a dialled TCP socket the reader can take the zero-copy path instead (setReadSink): reads land
// in tcp.ts's shared 1 MiB buffer, are decrypted there in place and handed straight to the sink —
// no copy per read and no trip through two Readable buffers. The socket's pause()/resume() then
// carry the reader's back-pressure, as they do for plaintext.
import { Duplex } from 'node:stream';
import { TesseraError } from '../../errors.ts';
import type { PeerSocket } from '../peer-socket.ts';
import type { Rc4 } from '../rc4.ts';
import { hasZeroCopyReads, setReadSink as setSocketReadSink, type ReadSink, type ReadSinkSource } from '../tcp.ts';

export class EncryptedStream extends Duplex implements ReadSinkSource {
  readonly #socket: PeerSocket;
  readonly #enc: Rc4;
  readonly #dec: Rc4;

  constructor(socket: PeerSocket, enc: Rc4, dec: Rc4, initial: Uint8Array) {
    super({ allowHalfOpen: false, highWaterMark: 64 * 1024 });
    this.#socket = socket;
    this.#enc = enc;
    this.#dec = dec;
    if (initial.length > 0) this.push(Buffer.from(initial.buffer, initial.byteOffset, initial.length));
    socket.on('data', this.#onSocketData);
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

  readonly #onSocketData = (chunk: Buffer): void => {
    this.#dec.process(chunk);
    if (!this.push(chunk)) this.#socket.pause();
  };

  /** True once reads go to a sink instead of through this Readable. */
  #sinkMode = false;

  /**
   * Take decrypted reads zero-copy (see tcp.ts ReadSink: the bytes are valid only during the call).
   * False when the socket underneath has no zero-copy reads (incoming, uTP): use 'data' then.
   * Bytes already decrypted and buffered here are delivered to the sink first, in order.
   */
  setReadSink(sink: ReadSink): boolean {
    const socket = this.#socket;
    // Decide before touching anything: draining our buffer below leaves a read pending for good.
    if (this.#sinkMode || !hasZeroCopyReads(socket)) return false;
    // From here _read must not resume the socket: with our 'data' listener gone, a flowing socket
    // would emit its buffered bytes to no one.
    this.#sinkMode = true;
    socket.off('data', this.#onSocketData);
    // What we hold is already decrypted and older than anything still in the socket's buffer.
    const held: Buffer[] = [];
    for (let c = this.read() as Buffer | null; c !== null; c = this.read() as Buffer | null) held.push(c);
    let first: Buffer[] | null = held;
    const dec = this.#dec;
    const ok = setSocketReadSink(socket, (chunk) => {
      if (first !== null) {
        // tcp.ts hands over the socket's buffered bytes synchronously, inside setSocketReadSink.
        const h = first;
        first = null;
        for (const c of h) sink(c);
      }
      dec.process(chunk); // in place: the shared read buffer is the sink's for this call only
      sink(chunk);
    });
    if (!ok) throw new TesseraError('IO_ERROR', 'EncryptedStream: the socket refused a read sink it offered'); // unreachable: checked above
    if (first !== null) {
      first = null;
      for (const c of held) sink(c);
    }
    return true;
  }

  override pause(): this {
    if (this.#sinkMode) this.#socket.pause();
    return super.pause();
  }

  override resume(): this {
    if (this.#sinkMode) this.#socket.resume();
    return super.resume();
  }

  override _read(): void {
    if (!this.#sinkMode && this.#socket.isPaused()) this.#socket.resume();
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
