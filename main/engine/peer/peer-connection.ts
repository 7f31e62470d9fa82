// One peer socket: bytes in through the bounded WireDecoder, typed messages out as events; typed
// send methods in, frames out. Piece messages go out as header + block under cork (one writev, no
// copy of the block). Knows nothing about pieces or choking: the torrent decides, this only talks.
//
// Timers: none per connection. The owner calls tick(now) about once a second; it sends keep-alives
// and closes idle or handshake-stalled connections.
import { EventEmitter } from 'node:events';
import type { PeerSocket } from '../transport/peer-socket.ts';
import { TesseraError } from '../errors.ts';
import { WireDecoder } from '../wire/decoder.ts';
import { setReadSink } from '../transport/tcp.ts';
import { encodeHandshake, type Handshake } from '../wire/handshake.ts';
import { encodeMessage, encodePieceHeader, type WireMessage } from '../wire/messages.ts';
import { equalBytes } from '../metainfo/hex.ts';

export const HANDSHAKE_TIMEOUT_MS = 20_000;
export const IDLE_TIMEOUT_MS = 180_000; // BEP 3 suggests keep-alives every 2 min; allow one missed
export const KEEPALIVE_MS = 90_000;
/** Above this many bytes queued in the socket, the torrent stops serving blocks until 'drain'. */
export const SEND_HIGH_WATER = 1 << 20;

export type PeerConnectionEvents = {
  handshake: [Handshake];
  /**
   * A decoded message. A piece's `block` may be a view of a reused read buffer: use or copy it
   * before returning (bitfield and extended payloads are always the listener's to keep).
   */
  message: [WireMessage];
  /** Every message of one socket read has been emitted: the place to refill request pipelines. */
  batch: [];
  drain: [];
  close: [reason: string];
};

export interface PeerConnectionOptions {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  pieceCount: number;
  incoming: boolean;
  /** For incoming connections the session has already read the remote handshake (to route it). */
  remoteHandshake?: Handshake;
  /** Bytes that arrived after the remote handshake, before this object took the socket. */
  leftover?: Uint8Array;
  now?: number;
}

export class PeerConnection extends EventEmitter<PeerConnectionEvents> {
  /** A TCP socket, or an MSE EncryptedStream over one. */
  readonly socket: PeerSocket;
  readonly incoming: boolean;
  readonly ip: string;
  readonly port: number;
  remote: Handshake | undefined;
  bytesIn = 0;
  bytesOut = 0;
  lastRecv: number;
  lastSend: number;
  readonly connectedAt: number;
  closed = false;
  #decoder: WireDecoder;
  #opts: PeerConnectionOptions;
  #readPaused = false;

  constructor(socket: PeerSocket, opts: PeerConnectionOptions) {
    super();
    this.socket = socket;
    this.#opts = opts;
    this.incoming = opts.incoming;
    this.ip = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.port = socket.remotePort ?? 0;
    const now = opts.now ?? Date.now();
    this.lastRecv = now;
    this.lastSend = now;
    this.connectedAt = now;
    this.remote = opts.remoteHandshake;
    this.#decoder = new WireDecoder({ handshake: opts.remoteHandshake === undefined, pieceCount: opts.pieceCount });
  }

  /** Send our handshake and start reading. Events fire from here on. */
  start(): void {
    // Our handshake goes first: attaching the reader may deliver bytes that arrived already (the
    // peer's handshake after a plaintext MSE negotiation), and what we answer must follow it.
    this.#write(encodeHandshake({ infoHash: this.#opts.infoHash, peerId: this.#opts.peerId, fast: true, extended: true }));
    // Dialled TCP sockets read zero-copy into a shared buffer; anything else (incoming, MSE) by 'data'.
    const zeroCopy = setReadSink(this.socket, (chunk) => this.#onData(chunk, true));
    if (!zeroCopy) this.socket.on('data', (chunk: Buffer) => this.#onData(chunk, false));
    this.socket.on('drain', () => this.emit('drain'));
    this.socket.on('close', () => this.#closed('socket closed'));
    this.socket.on('end', () => this.close('peer ended the connection'));
    this.socket.on('error', (e: Error) => this.close(`socket error: ${e.message}`));
    this.socket.resume(); // an MSE handshake leaves the socket paused until a reader is attached
    if (this.remote !== undefined) {
      const h = this.remote;
      queueMicrotask(() => { if (!this.closed) this.emit('handshake', h); });
    }
    if (this.#opts.leftover !== undefined && this.#opts.leftover.length > 0) {
      const left = this.#opts.leftover;
      queueMicrotask(() => this.#onData(left));
    }
  }

  /** `transient`: the chunk's memory is reused after this call, so nothing may keep a view of it. */
  #onData(chunk: Uint8Array, transient = false): void {
    if (this.closed) return;
    this.bytesIn += chunk.length;
    this.lastRecv = Date.now();
    try {
      for (const ev of this.#decoder.push(chunk)) {
        if (this.closed) return;
        if (ev.type === 'handshake') {
          if (!equalBytes(ev.infoHash, this.#opts.infoHash)) {
            this.close('handshake for a different torrent');
            return;
          }
          this.remote = ev;
          this.emit('handshake', ev);
        } else {
          if (this.remote === undefined) throw new TesseraError('WIRE_PROTOCOL', 'message before handshake');
          if (transient) ownPayload(ev);
          this.emit('message', ev);
        }
      }
      if (this.closed) return;
      if (transient) this.#decoder.retain();
      this.emit('batch');
    } catch (e) {
      this.close(e instanceof Error ? e.message : String(e));
    }
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  get congested(): boolean {
    return this.socket.writableLength > SEND_HIGH_WATER;
  }

  send(msg: WireMessage): void {
    if (this.closed) return;
    this.#write(encodeMessage(msg));
  }

  /** A piece message without copying the block: header and block leave in one writev. */
  sendPiece(index: number, begin: number, block: Uint8Array): void {
    if (this.closed) return;
    this.socket.cork();
    this.#write(encodePieceHeader(index, begin, block.length));
    this.#write(block);
    process.nextTick(uncork, this.socket);
  }

  /** A burst of REQUEST messages encoded straight into one buffer: one write, one allocation. */
  sendRequests(blocks: ReadonlyArray<{ piece: number; begin: number; length: number }>): void {
    if (this.closed || blocks.length === 0) return;
    const out = Buffer.allocUnsafe(17 * blocks.length);
    let o = 0;
    for (const b of blocks) {
      out.writeUInt32BE(13, o);
      out[o + 4] = 6; // MessageId.request
      out.writeUInt32BE(b.piece, o + 5);
      out.writeUInt32BE(b.begin, o + 9);
      out.writeUInt32BE(b.length, o + 13);
      o += 17;
    }
    this.#write(out);
  }

  /** Several small messages (e.g. a burst of requests) in one syscall. */
  sendMany(msgs: WireMessage[]): void {
    if (this.closed || msgs.length === 0) return;
    if (msgs.length === 1) {
      this.#write(encodeMessage(msgs[0] as WireMessage));
      return;
    }
    const frames = msgs.map(encodeMessage);
    let n = 0;
    for (const f of frames) n += f.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const f of frames) { out.set(f, o); o += f.length; }
    this.#write(out);
  }

  #write(bytes: Uint8Array): void {
    this.bytesOut += bytes.length;
    this.lastSend = Date.now();
    this.socket.write(bytes);
  }

  /** Flow control for the download rate limit: stop reading from the socket for a while. */
  pauseReading(): void {
    if (!this.#readPaused && !this.closed) { this.#readPaused = true; this.socket.pause(); }
  }

  resumeReading(): void {
    if (this.#readPaused && !this.closed) { this.#readPaused = false; this.socket.resume(); }
  }

  #resumeTimer: NodeJS.Timeout | undefined;
  #resumeAt = 0;

  /**
   * Stop reading for at least `ms` (the download limit's debt). Calls while paused push the resume
   * time out: a read carries many blocks, and the wait after the last one is the one that counts.
   */
  pauseReadingFor(ms: number): void {
    if (this.closed || ms <= 0) return;
    const at = performance.now() + ms;
    if (at <= this.#resumeAt && this.#resumeTimer !== undefined) return;
    this.#resumeAt = at;
    this.pauseReading();
    if (this.#resumeTimer !== undefined) clearTimeout(this.#resumeTimer);
    this.#resumeTimer = setTimeout(() => { this.#resumeTimer = undefined; this.#resumeAt = 0; this.resumeReading(); }, ms);
    this.#resumeTimer.unref();
  }

  get readPaused(): boolean {
    return this.#readPaused;
  }

  /** Housekeeping, called about once a second by the owner. */
  tick(now: number): void {
    if (this.closed) return;
    if (this.remote === undefined && now - this.connectedAt > HANDSHAKE_TIMEOUT_MS) {
      this.close('handshake timed out');
      return;
    }
    if (!this.#readPaused && now - this.lastRecv > IDLE_TIMEOUT_MS) {
      this.close('idle for too long');
      return;
    }
    if (now - this.lastSend > KEEPALIVE_MS) this.#write(new Uint8Array(4));
  }

  close(reason: string): void {
    if (this.closed) return;
    if (this.#resumeTimer !== undefined) clearTimeout(this.#resumeTimer);
    this.socket.destroy();
    this.#closed(reason);
  }

  #closed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', reason);
  }
}

/** Copy the payloads listeners may keep (rare messages); piece blocks stay views (copied by the assembler). */
function ownPayload(m: WireMessage): void {
  if (m.type === 'bitfield') m.bytes = m.bytes.slice();
  else if (m.type === 'extended' || m.type === 'unknown') m.payload = m.payload.slice();
}

function uncork(s: PeerSocket): void {
  s.uncork();
}

