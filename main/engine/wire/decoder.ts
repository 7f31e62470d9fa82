// Streaming, bounded decoder for the peer wire: push socket chunks in, pull messages out.
//
// Received chunks are kept in a list and never concatenated on arrival (bittorrent-protocol
// re-joins its whole buffer per chunk); a frame is copied only when it straddles chunks, and a
// piece block lying inside one chunk is returned as a view of it (zero-copy on the download path).
// Every frame length is checked against a per-message-type cap the moment its 5-byte header is
// in, so a peer cannot make us buffer more than one capped frame plus one socket read.

import { TesseraError } from '../errors.ts';
import { HANDSHAKE_LENGTH, checkProtocolPrefix, decodeHandshake, type Handshake } from './handshake.ts';
import { HASH_RANGE_BYTES, MAX_HASHES_PER_MESSAGE, MessageId, type HashRange, type WireMessage } from './messages.ts';

export const DEFAULT_MAX_BLOCK_LENGTH = 16 * 1024;
/** Used until the piece count is known (magnet links): 2^21 pieces. */
export const DEFAULT_MAX_BITFIELD_BYTES = 256 * 1024;
/** BEP 10 messages: ut_metadata carries 16 KiB pieces; handshakes and PEX are far smaller. */
export const DEFAULT_MAX_EXTENDED_LENGTH = 128 * 1024;

export interface WireDecoderOptions {
  /** Expect the 68-byte handshake before any message (true for every fresh TCP connection). */
  handshake?: boolean;
  /** Largest piece block accepted (the block size we request). Default 16 KiB. */
  maxBlockLength?: number;
  /** The torrent's piece count, when known: the bitfield cap becomes exactly ceil(n/8) bytes. */
  pieceCount?: number;
  /** Bitfield cap while the piece count is unknown. */
  maxBitfieldBytes?: number;
  /** Cap on an extended (BEP 10) or unknown message's payload. */
  maxExtendedLength?: number;
  /**
   * Bytes that may sit undrained when the next chunk arrives. A caller that drains after every
   * push holds less than one capped frame, so the default is exactly that; more means the caller
   * is pushing without pulling, and memory would grow with whatever the peer sends.
   */
  maxBuffered?: number;
}

export type WireEvent = WireMessage | Handshake;

function tooLarge(what: string, len: number, cap: number): TesseraError {
  return new TesseraError('WIRE_FRAME_TOO_LARGE', `${what} frame of ${len} bytes exceeds the cap of ${cap}`);
}

export class WireDecoder {
  #chunks: Uint8Array[] = [];
  #head = 0; // first live chunk in #chunks
  #offset = 0; // read position inside #chunks[#head]
  #buffered = 0;
  #awaitingHandshake: boolean;
  #prefixChecked = 0;
  #failed: TesseraError | null = null;

  #maxBlock: number;
  #maxBitfield: number;
  #maxExtended: number;
  #maxFrame = 0;
  #maxBuffered: number;

  constructor(opts: WireDecoderOptions = {}) {
    this.#awaitingHandshake = opts.handshake === true;
    this.#maxBlock = opts.maxBlockLength ?? DEFAULT_MAX_BLOCK_LENGTH;
    this.#maxExtended = opts.maxExtendedLength ?? DEFAULT_MAX_EXTENDED_LENGTH;
    this.#maxBitfield = opts.pieceCount === undefined ? (opts.maxBitfieldBytes ?? DEFAULT_MAX_BITFIELD_BYTES) : Math.ceil(opts.pieceCount / 8);
    this.#updateMaxFrame();
    this.#maxBuffered = opts.maxBuffered ?? -1;
  }

  /** Once a magnet's metadata arrives: tighten the bitfield cap to the real piece count. */
  setPieceCount(n: number): void {
    this.#maxBitfield = Math.ceil(n / 8);
    this.#updateMaxFrame();
  }

  /** Bytes received but not yet decoded. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * Append a chunk (kept by reference: do not reuse its memory) and return an iterator over the
   * messages now complete. Throws TesseraError WIRE_PROTOCOL / WIRE_FRAME_TOO_LARGE: close the peer.
   */
  push(chunk: Uint8Array): IterableIterator<WireEvent> {
    if (this.#failed !== null) throw this.#failed;
    if (chunk.length > 0) {
      const limit = this.#maxBuffered >= 0 ? this.#maxBuffered : Math.max(HANDSHAKE_LENGTH, 4 + this.#maxFrame);
      if (this.#buffered >= limit) {
        this.#fail(new TesseraError('LIMIT_EXCEEDED', `wire decoder holds ${this.#buffered} undrained bytes`));
      }
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (this.#awaitingHandshake && this.#prefixChecked < 20) this.#checkPrefix();
    }
    return this.#drain();
  }

  /**
   * Copy the undecoded bytes into memory the decoder owns. Call after draining a chunk whose memory
   * the caller is about to reuse (a socket's shared read buffer); costs at most one partial frame.
   */
  retain(): void {
    if (this.#buffered === 0 || this.#failed !== null) return;
    const own = new Uint8Array(this.#buffered);
    this.#peekInto(own, 0);
    this.#chunks = [own];
    this.#head = 0;
    this.#offset = 0;
  }

  *#drain(): IterableIterator<WireEvent> {
    for (let m = this.next(); m !== null; m = this.next()) yield m;
  }

  /** The next complete message, or null when more bytes are needed. */
  next(): WireEvent | null {
    if (this.#failed !== null) throw this.#failed;
    try {
      return this.#next();
    } catch (e) {
      if (e instanceof TesseraError) this.#fail(e);
      throw e;
    }
  }

  #fail(e: TesseraError): never {
    this.#failed = e;
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#buffered = 0;
    throw e;
  }

  #updateMaxFrame(): void {
    this.#maxFrame = Math.max(13, 9 + this.#maxBlock, 1 + this.#maxBitfield, 2 + this.#maxExtended, 1 + HASH_RANGE_BYTES + 32 * MAX_HASHES_PER_MESSAGE);
  }

  #checkPrefix(): void {
    const n = Math.min(20, this.#buffered);
    const head = new Uint8Array(n);
    this.#peekInto(head, 0);
    checkProtocolPrefix(head);
    this.#prefixChecked = n;
  }

  #next(): WireEvent | null {
    if (this.#awaitingHandshake) {
      if (this.#buffered < HANDSHAKE_LENGTH) return null;
      const bytes = new Uint8Array(HANDSHAKE_LENGTH);
      this.#peekInto(bytes, 0);
      const h = decodeHandshake(bytes);
      this.#skip(HANDSHAKE_LENGTH);
      this.#awaitingHandshake = false;
      return h;
    }
    if (this.#buffered < 4) return null;
    const len = this.#peekU32(0);
    if (len === 0) {
      this.#skip(4);
      return { type: 'keep-alive' };
    }
    if (len > this.#maxFrame) throw tooLarge('message', len, this.#maxFrame);
    if (this.#buffered < 5) return null;
    const id = this.#peekByte(4);
    this.#checkLength(id, len);
    if (this.#buffered < 4 + len) return null;

    switch (id) {
      case MessageId.choke: this.#skip(5); return { type: 'choke' };
      case MessageId.unchoke: this.#skip(5); return { type: 'unchoke' };
      case MessageId.interested: this.#skip(5); return { type: 'interested' };
      case MessageId.notInterested: this.#skip(5); return { type: 'not-interested' };
      case MessageId.haveAll: this.#skip(5); return { type: 'have-all' };
      case MessageId.haveNone: this.#skip(5); return { type: 'have-none' };
      case MessageId.have: { const index = this.#peekU32(5); this.#skip(9); return { type: 'have', index }; }
      case MessageId.suggest: { const index = this.#peekU32(5); this.#skip(9); return { type: 'suggest', index }; }
      case MessageId.allowedFast: { const index = this.#peekU32(5); this.#skip(9); return { type: 'allowed-fast', index }; }
      case MessageId.port: {
        const port = (this.#peekByte(5) << 8) | this.#peekByte(6);
        this.#skip(7);
        return { type: 'port', port };
      }
      case MessageId.request:
      case MessageId.cancel:
      case MessageId.reject: {
        const index = this.#peekU32(5);
        const begin = this.#peekU32(9);
        const length = this.#peekU32(13);
        this.#skip(17);
        const type = id === MessageId.request ? 'request' : id === MessageId.cancel ? 'cancel' : 'reject';
        return { type, index, begin, length };
      }
      case MessageId.piece: {
        const index = this.#peekU32(5);
        const begin = this.#peekU32(9);
        this.#skip(13);
        return { type: 'piece', index, begin, block: this.#take(len - 9) };
      }
      case MessageId.bitfield: {
        this.#skip(5);
        return { type: 'bitfield', bytes: this.#take(len - 1) };
      }
      case MessageId.hashRequest:
      case MessageId.hashReject:
      case MessageId.hashes: {
        const range = this.#hashRange();
        if (id === MessageId.hashes) return { type: 'hashes', ...range, hashes: this.#take(len - 1 - HASH_RANGE_BYTES).slice() };
        return { type: id === MessageId.hashRequest ? 'hash-request' : 'hash-reject', ...range };
      }
      case MessageId.extended: {
        const ext = this.#peekByte(5);
        this.#skip(6);
        return { type: 'extended', id: ext, payload: this.#take(len - 2) };
      }
      default: {
        this.#skip(5);
        return { type: 'unknown', id, payload: this.#take(len - 1) };
      }
    }
  }

  /** BEP 52: root and four u32 after the id byte; consumes them. */
  #hashRange(): HashRange {
    const piecesRoot = new Uint8Array(32);
    this.#peekInto(piecesRoot, 5);
    const r = { piecesRoot, baseLayer: this.#peekU32(37), index: this.#peekU32(41), length: this.#peekU32(45), proofLayers: this.#peekU32(49) };
    this.#skip(5 + HASH_RANGE_BYTES);
    return r;
  }

  /** Reject a frame as soon as its header is in: wrong fixed size, or over its type's cap. */
  #checkLength(id: number, len: number): void {
    let ok: boolean;
    switch (id) {
      case MessageId.choke:
      case MessageId.unchoke:
      case MessageId.interested:
      case MessageId.notInterested:
      case MessageId.haveAll:
      case MessageId.haveNone:
        ok = len === 1;
        break;
      case MessageId.have:
      case MessageId.suggest:
      case MessageId.allowedFast:
        ok = len === 5;
        break;
      case MessageId.port:
        ok = len === 3;
        break;
      case MessageId.request:
      case MessageId.cancel:
      case MessageId.reject:
        ok = len === 13;
        break;
      case MessageId.piece:
        if (len > 9 + this.#maxBlock) throw tooLarge('piece', len, 9 + this.#maxBlock);
        ok = len >= 9;
        break;
      case MessageId.bitfield:
        if (len > 1 + this.#maxBitfield) throw tooLarge('bitfield', len, 1 + this.#maxBitfield);
        ok = true;
        break;
      case MessageId.hashRequest:
      case MessageId.hashReject:
        ok = len === 1 + HASH_RANGE_BYTES;
        break;
      case MessageId.hashes: {
        const cap = 1 + HASH_RANGE_BYTES + 32 * MAX_HASHES_PER_MESSAGE;
        if (len > cap) throw tooLarge('hashes', len, cap);
        ok = len >= 1 + HASH_RANGE_BYTES && (len - 1 - HASH_RANGE_BYTES) % 32 === 0;
        break;
      }
      case MessageId.extended:
        if (len > 2 + this.#maxExtended) throw tooLarge('extended', len, 2 + this.#maxExtended);
        ok = len >= 2;
        break;
      default:
        if (len > 1 + this.#maxExtended) throw tooLarge(`message id ${id}`, len, 1 + this.#maxExtended);
        ok = true;
    }
    if (!ok) throw new TesseraError('WIRE_PROTOCOL', `message id ${id} has invalid length ${len}`);
  }

  // --- the chunk list -------------------------------------------------------------------------

  #peekByte(at: number): number {
    let i = this.#head;
    let pos = this.#offset + at;
    for (;;) {
      const c = this.#chunks[i];
      if (c === undefined) throw new TesseraError('WIRE_PROTOCOL', 'decoder read past its buffer');
      if (pos < c.length) return c[pos] ?? 0;
      pos -= c.length;
      i++;
    }
  }

  #peekU32(at: number): number {
    const c = this.#chunks[this.#head];
    const p = this.#offset + at;
    if (c !== undefined && p + 4 <= c.length) {
      // Fast path: the four bytes are in the first chunk.
      return (((c[p] ?? 0) << 24) | ((c[p + 1] ?? 0) << 16) | ((c[p + 2] ?? 0) << 8) | (c[p + 3] ?? 0)) >>> 0;
    }
    return ((this.#peekByte(at) << 24) | (this.#peekByte(at + 1) << 16) | (this.#peekByte(at + 2) << 8) | this.#peekByte(at + 3)) >>> 0;
  }

  /** Copy out.length bytes starting `at` bytes past the read position, without consuming them. */
  #peekInto(out: Uint8Array, at: number): void {
    let i = this.#head;
    let pos = this.#offset + at;
    let written = 0;
    while (written < out.length) {
      const c = this.#chunks[i++];
      if (c === undefined) throw new TesseraError('WIRE_PROTOCOL', 'decoder read past its buffer');
      if (pos >= c.length) {
        pos -= c.length;
        continue;
      }
      const n = Math.min(c.length - pos, out.length - written);
      out.set(c.subarray(pos, pos + n), written);
      written += n;
      pos = 0;
    }
  }

  #skip(n: number): void {
    this.#buffered -= n;
    let off = this.#offset + n;
    let i = this.#head;
    for (;;) {
      const c = this.#chunks[i];
      if (c === undefined || off < c.length) break;
      off -= c.length;
      i++;
    }
    this.#offset = off;
    this.#advanceHead(i);
  }

  /** Consume n bytes: a view when they lie in one chunk, else one copy. */
  #take(n: number): Uint8Array {
    const c = this.#chunks[this.#head];
    if (c !== undefined && this.#offset + n <= c.length) {
      const out = c.subarray(this.#offset, this.#offset + n);
      this.#skip(n);
      return out;
    }
    const out = new Uint8Array(n);
    this.#peekInto(out, 0);
    this.#skip(n);
    return out;
  }

  #advanceHead(i: number): void {
    if (i === this.#head) return;
    for (let j = this.#head; j < i; j++) this.#chunks[j] = EMPTY; // drop references early
    this.#head = i;
    if (this.#head >= this.#chunks.length) {
      this.#chunks.length = 0;
      this.#head = 0;
    } else if (this.#head > 64) {
      this.#chunks.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);
