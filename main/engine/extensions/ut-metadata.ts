// BEP 9 ut_metadata, pure: the message codec, a per-peer assembler of the info dictionary, and
// the server side's reply to one request. Sockets live in torrent-metadata.ts (fetching) and the
// torrent's extension hook (serving).
//
// Why per peer: the whole metadata is gathered from ONE peer and checked against the info-hash
// before any other peer's bytes are mixed in. A mismatch then names the liar exactly (no
// ambiguity about which of several contributors sent the bad piece), and metadata is small
// enough (a few KiB to a few MiB) that fetching it twice costs little.
import { createHash } from 'node:crypto';
import { TesseraError } from '../errors.ts';
import { bdecodePrefix, getInt, isDict } from '../bencode/decode.ts';
import { bencode } from '../bencode/encode.ts';
import { equalBytes } from '../metainfo/hex.ts';

export const METADATA_PIECE = 16 * 1024;
/** Largest info dictionary we accept (a 16 MiB info dict already describes ~800k pieces). */
export const MAX_METADATA_SIZE = 16 * 1024 * 1024;
/** Our extended message id for ut_metadata (what we advertise in our `m`). */
export const UT_METADATA_ID = 3;

export type MetadataMessage =
  | { type: 'request'; piece: number }
  | { type: 'data'; piece: number; totalSize: number; data: Uint8Array }
  | { type: 'reject'; piece: number };

export function decodeMetadataMessage(payload: Uint8Array): MetadataMessage {
  const { value, end } = bdecodePrefix(payload, { allowTrailing: true, maxDepth: 4 });
  if (!isDict(value)) throw new TesseraError('WIRE_PROTOCOL', 'ut_metadata: not a dictionary');
  const t = getInt(value, 'msg_type');
  const piece = getInt(value, 'piece');
  if (piece === undefined || !Number.isInteger(piece) || piece < 0 || piece > MAX_METADATA_SIZE / METADATA_PIECE) {
    throw new TesseraError('WIRE_PROTOCOL', `ut_metadata: bad piece ${String(piece)}`);
  }
  switch (t) {
    case 0: return { type: 'request', piece };
    case 2: return { type: 'reject', piece };
    case 1: {
      const totalSize = getInt(value, 'total_size');
      if (totalSize === undefined || !Number.isInteger(totalSize) || totalSize <= 0) {
        throw new TesseraError('WIRE_PROTOCOL', 'ut_metadata: data without total_size');
      }
      return { type: 'data', piece, totalSize, data: payload.subarray(end) };
    }
    default:
      throw new TesseraError('WIRE_PROTOCOL', `ut_metadata: unknown msg_type ${String(t)}`);
  }
}

export function encodeMetadataMessage(m: MetadataMessage): Uint8Array {
  if (m.type === 'request') return bencode({ msg_type: 0, piece: m.piece });
  if (m.type === 'reject') return bencode({ msg_type: 2, piece: m.piece });
  const head = bencode({ msg_type: 1, piece: m.piece, total_size: m.totalSize });
  const out = new Uint8Array(head.length + m.data.length);
  out.set(head, 0);
  out.set(m.data, head.length);
  return out;
}

export function metadataPieceCount(size: number): number {
  return Math.ceil(size / METADATA_PIECE);
}

/** Our answer to a peer's request for piece `piece` of `info` (the exact info dict bytes). */
export function serveMetadataPiece(info: Uint8Array, piece: number): MetadataMessage {
  const begin = piece * METADATA_PIECE;
  if (!Number.isInteger(piece) || piece < 0 || begin >= info.length) return { type: 'reject', piece };
  return { type: 'data', piece, totalSize: info.length, data: info.subarray(begin, Math.min(info.length, begin + METADATA_PIECE)) };
}

export type AssemblerResult =
  | { kind: 'more' }
  | { kind: 'done'; info: Uint8Array }
  | { kind: 'bad'; why: string };

/**
 * Gathers one peer's copy of the info dict. The buffer is allocated once at the size the peer
 * announced (already capped), every piece's length and offset is checked, and the finished
 * bytes are hashed: SHA-1 for a v1/hybrid info-hash, SHA-256 for a v2 one.
 */
export class MetadataAssembler {
  readonly size: number;
  readonly pieces: number;
  #buf: Uint8Array;
  #got: Uint8Array;
  #received = 0;
  #next = 0;
  #infoHashV1: Uint8Array | undefined;
  #infoHashV2: Uint8Array | undefined;

  constructor(size: number, hashes: { v1?: Uint8Array; v2?: Uint8Array }) {
    if (!Number.isInteger(size) || size <= 0 || size > MAX_METADATA_SIZE) {
      throw new TesseraError('LIMIT_EXCEEDED', `metadata size ${size} is outside 1..${MAX_METADATA_SIZE}`);
    }
    if (hashes.v1 === undefined && hashes.v2 === undefined) throw new TesseraError('BAD_ARGUMENT', 'no info-hash to check metadata against');
    this.size = size;
    this.pieces = metadataPieceCount(size);
    this.#buf = new Uint8Array(size);
    this.#got = new Uint8Array(this.pieces);
    this.#infoHashV1 = hashes.v1;
    this.#infoHashV2 = hashes.v2;
  }

  /** The next piece to ask for, or undefined when every piece has been asked for. */
  nextRequest(): number | undefined {
    while (this.#next < this.pieces && this.#got[this.#next] === 1) this.#next++;
    if (this.#next >= this.pieces) return undefined;
    return this.#next++;
  }

  /** A piece was rejected: ask again later (from the start of the missing ones). */
  retry(): void {
    this.#next = 0;
  }

  onData(piece: number, totalSize: number, data: Uint8Array): AssemblerResult {
    if (totalSize !== this.size) return { kind: 'bad', why: `total_size ${totalSize} differs from the announced ${this.size}` };
    if (piece >= this.pieces) return { kind: 'bad', why: `piece ${piece} beyond ${this.pieces} pieces` };
    const begin = piece * METADATA_PIECE;
    const expect = Math.min(METADATA_PIECE, this.size - begin);
    if (data.length !== expect) return { kind: 'bad', why: `piece ${piece} is ${data.length} bytes, expected ${expect}` };
    if (this.#got[piece] === 1) return { kind: 'more' };
    this.#buf.set(data, begin);
    this.#got[piece] = 1;
    this.#received++;
    if (this.#received < this.pieces) return { kind: 'more' };
    if (!this.#matches()) return { kind: 'bad', why: 'metadata does not match the info-hash' };
    return { kind: 'done', info: this.#buf };
  }

  #matches(): boolean {
    if (this.#infoHashV1 !== undefined) {
      return equalBytes(createHash('sha1').update(this.#buf).digest(), this.#infoHashV1);
    }
    return equalBytes(createHash('sha256').update(this.#buf).digest(), this.#infoHashV2 as Uint8Array);
  }
}

