// The BEP 3 peer messages, BEP 6 fast-extension messages, the BEP 10 `extended` envelope and the
// BEP 52 hash request / hashes / hash reject, as one discriminated union, with encoders. Every frame is <len:u32 BE><id:u8><payload>;
// a zero length is a keep-alive.

import { TesseraError } from '../errors.ts';

export const MessageId = {
  choke: 0,
  unchoke: 1,
  interested: 2,
  notInterested: 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  port: 9, // BEP 5
  suggest: 13, // BEP 6 (0x0D)
  haveAll: 14, // BEP 6 (0x0E)
  haveNone: 15, // BEP 6 (0x0F)
  reject: 16, // BEP 6 (0x10)
  allowedFast: 17, // BEP 6 (0x11)
  extended: 20, // BEP 10
  hashRequest: 21, // BEP 52
  hashes: 22, // BEP 52
  hashReject: 23, // BEP 52
} as const;

/** BEP 52: which hashes of one file's merkle tree (layer 0 = the 16 KiB block hashes). */
export interface HashRange {
  /** The file's 32-byte pieces root (names the file). */
  piecesRoot: Uint8Array;
  baseLayer: number;
  /** First hash wanted in the base layer. */
  index: number;
  /** Hashes wanted from the base layer. */
  length: number;
  /** Layers above the base whose uncle hashes prove the range (see pieces/hash-layers.ts). */
  proofLayers: number;
}

/** The fixed part of the three BEP 52 messages: root + four u32. */
export const HASH_RANGE_BYTES = 32 + 16;
/**
 * Most hashes one `hashes` message may carry. We ask for at most 512 base hashes plus fewer than
 * 64 uncles; a peer sending more is answering something we never asked.
 */
export const MAX_HASHES_PER_MESSAGE = 1024 + 64;

export interface BlockRef {
  index: number;
  begin: number;
  length: number;
}

export type WireMessage =
  | { type: 'keep-alive' }
  | { type: 'choke' }
  | { type: 'unchoke' }
  | { type: 'interested' }
  | { type: 'not-interested' }
  | { type: 'have'; index: number }
  /** Raw wire bytes; check them with Bitfield.fromWire once the piece count is known. */
  | { type: 'bitfield'; bytes: Uint8Array }
  | ({ type: 'request' } & BlockRef)
  /** `block` may be a view into the received chunk (zero-copy): copy it if you keep it past the write. */
  | { type: 'piece'; index: number; begin: number; block: Uint8Array }
  | ({ type: 'cancel' } & BlockRef)
  | { type: 'port'; port: number }
  | { type: 'suggest'; index: number }
  | { type: 'have-all' }
  | { type: 'have-none' }
  | ({ type: 'reject' } & BlockRef)
  | { type: 'allowed-fast'; index: number }
  /** BEP 10: `id` 0 is the extension handshake, others are the ids we assigned in ours. */
  | { type: 'extended'; id: number; payload: Uint8Array }
  | ({ type: 'hash-request' } & HashRange)
  /** `hashes`: the base-layer hashes then the uncle hashes, 32 bytes each, concatenated. */
  | ({ type: 'hashes'; hashes: Uint8Array } & HashRange)
  | ({ type: 'hash-reject' } & HashRange)
  /** A message id we do not know (BEP 3: ignore it). Its size is still capped by the decoder. */
  | { type: 'unknown'; id: number; payload: Uint8Array };

export type WireMessageType = WireMessage['type'];

function u32(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new TesseraError('BAD_ARGUMENT', `${what} out of range: ${n}`);
  return n;
}

function frame(id: number, payloadLength: number): { out: Uint8Array; view: DataView } {
  const out = new Uint8Array(5 + payloadLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, 1 + payloadLength);
  out[4] = id;
  return { out, view };
}

function simple(id: number): Uint8Array {
  return frame(id, 0).out;
}

function withIndex(id: number, index: number): Uint8Array {
  const { out, view } = frame(id, 4);
  view.setUint32(5, u32(index, 'piece index'));
  return out;
}

function withBlock(id: number, b: BlockRef): Uint8Array {
  const { out, view } = frame(id, 12);
  view.setUint32(5, u32(b.index, 'piece index'));
  view.setUint32(9, u32(b.begin, 'block offset'));
  view.setUint32(13, u32(b.length, 'block length'));
  return out;
}

/** The 13-byte header of a piece message; send it followed by the block itself (no copy of the block). */
export function encodePieceHeader(index: number, begin: number, blockLength: number): Uint8Array {
  const { out, view } = frame(MessageId.piece, 8);
  view.setUint32(0, 9 + u32(blockLength, 'block length'));
  view.setUint32(5, u32(index, 'piece index'));
  view.setUint32(9, u32(begin, 'block offset'));
  return out;
}

/** A piece message as [header, block] for socket.cork()/writev: the block is not copied. */
export function encodePiece(index: number, begin: number, block: Uint8Array): [Uint8Array, Uint8Array] {
  return [encodePieceHeader(index, begin, block.length), block];
}

function withPayload(id: number, prefix: number[], payload: Uint8Array): Uint8Array {
  const { out } = frame(id, prefix.length + payload.length);
  for (let i = 0; i < prefix.length; i++) out[5 + i] = prefix[i] ?? 0;
  out.set(payload, 5 + prefix.length);
  return out;
}

function withHashRange(id: number, r: HashRange, hashes?: Uint8Array): Uint8Array {
  if (r.piecesRoot.length !== 32) throw new TesseraError('BAD_ARGUMENT', 'pieces root must be 32 bytes');
  const extra = hashes?.length ?? 0;
  if (extra % 32 !== 0 || extra / 32 > MAX_HASHES_PER_MESSAGE) throw new TesseraError('BAD_ARGUMENT', `bad hashes length ${extra}`);
  const { out, view } = frame(id, HASH_RANGE_BYTES + extra);
  out.set(r.piecesRoot, 5);
  view.setUint32(37, u32(r.baseLayer, 'base layer'));
  view.setUint32(41, u32(r.index, 'hash index'));
  view.setUint32(45, u32(r.length, 'hash count'));
  view.setUint32(49, u32(r.proofLayers, 'proof layers'));
  if (hashes !== undefined) out.set(hashes, 5 + HASH_RANGE_BYTES);
  return out;
}

/** Encode one message into a single frame (a piece message is copied: prefer encodePiece on the hot path). */
export function encodeMessage(msg: WireMessage): Uint8Array {
  switch (msg.type) {
    case 'keep-alive':
      return new Uint8Array(4);
    case 'choke':
      return simple(MessageId.choke);
    case 'unchoke':
      return simple(MessageId.unchoke);
    case 'interested':
      return simple(MessageId.interested);
    case 'not-interested':
      return simple(MessageId.notInterested);
    case 'have':
      return withIndex(MessageId.have, msg.index);
    case 'bitfield':
      return withPayload(MessageId.bitfield, [], msg.bytes);
    case 'request':
      return withBlock(MessageId.request, msg);
    case 'piece': {
      const [header, block] = encodePiece(msg.index, msg.begin, msg.block);
      const out = new Uint8Array(header.length + block.length);
      out.set(header, 0);
      out.set(block, header.length);
      return out;
    }
    case 'cancel':
      return withBlock(MessageId.cancel, msg);
    case 'port': {
      if (!Number.isInteger(msg.port) || msg.port < 0 || msg.port > 0xffff) throw new TesseraError('BAD_ARGUMENT', `port out of range: ${msg.port}`);
      const { out, view } = frame(MessageId.port, 2);
      view.setUint16(5, msg.port);
      return out;
    }
    case 'suggest':
      return withIndex(MessageId.suggest, msg.index);
    case 'have-all':
      return simple(MessageId.haveAll);
    case 'have-none':
      return simple(MessageId.haveNone);
    case 'reject':
      return withBlock(MessageId.reject, msg);
    case 'allowed-fast':
      return withIndex(MessageId.allowedFast, msg.index);
    case 'extended':
      if (!Number.isInteger(msg.id) || msg.id < 0 || msg.id > 255) throw new TesseraError('BAD_ARGUMENT', `extended id out of range: ${msg.id}`);
      return withPayload(MessageId.extended, [msg.id], msg.payload);
    case 'hash-request':
      return withHashRange(MessageId.hashRequest, msg);
    case 'hashes':
      return withHashRange(MessageId.hashes, msg, msg.hashes);
    case 'hash-reject':
      return withHashRange(MessageId.hashReject, msg);
    case 'unknown':
      if (!Number.isInteger(msg.id) || msg.id < 0 || msg.id > 255) throw new TesseraError('BAD_ARGUMENT', `message id out of range: ${msg.id}`);
      return withPayload(msg.id, [], msg.payload);
  }
}
