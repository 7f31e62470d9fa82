// uTP (BEP 29) packet codec: the 20-byte header and the extension chain (selective ack is the only
// one we read; others are skipped by length). Pure: bytes in, a typed packet out, or a typed error.
// Parsing is bounded by the datagram: every length is checked before it is read.
import { TesseraError } from '../../errors.ts';

export const ST_DATA = 0;
export const ST_FIN = 1;
export const ST_STATE = 2;
export const ST_RESET = 3;
export const ST_SYN = 4;
export type PacketType = typeof ST_DATA | typeof ST_FIN | typeof ST_STATE | typeof ST_RESET | typeof ST_SYN;

export const HEADER_SIZE = 20;
export const UTP_VERSION = 1;
const EXT_SACK = 1;
/** What we send is capped here; BEP 29 asks for a multiple of 4. */
export const MAX_SACK_BYTES = 128;
/** Extensions past this count are refused: a chain of empty extensions is cheap to send and pointless. */
const MAX_EXTENSIONS = 8;

export interface PacketHeader {
  type: PacketType;
  connectionId: number;
  /** Sender's clock, microseconds, mod 2^32. */
  timestamp: number;
  /** Sender's clock minus the timestamp of the last packet it received from us, mod 2^32. */
  timestampDiff: number;
  /** Bytes the sender can still receive. */
  wndSize: number;
  seqNr: number;
  ackNr: number;
}

export interface Packet extends PacketHeader {
  /**
   * Selective ack bitmask: bit i (LSB first in each byte) says ackNr + 2 + i arrived. ackNr + 1 is
   * by definition missing. We send multiples of 4; libtorrent does not always.
   */
  sack?: Uint8Array;
  /** A view into the datagram (no copy). */
  payload: Uint8Array;
}

function bad(msg: string): TesseraError {
  return new TesseraError('WIRE_PROTOCOL', `uTP: ${msg}`);
}

/** Parse one datagram. Throws WIRE_PROTOCOL for anything that is not a well-formed uTP v1 packet. */
export function decodePacket(buf: Uint8Array): Packet {
  if (buf.length < HEADER_SIZE) throw bad(`datagram of ${buf.length} bytes is shorter than a header`);
  const b0 = buf[0] as number;
  const type = b0 >> 4;
  if ((b0 & 0x0f) !== UTP_VERSION) throw bad(`version ${b0 & 0x0f}`);
  if (type > ST_SYN) throw bad(`packet type ${type}`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let ext = buf[1] as number;
  let off = HEADER_SIZE;
  let sack: Uint8Array | undefined;
  let count = 0;
  while (ext !== 0) {
    if (++count > MAX_EXTENSIONS) throw bad('too many extensions');
    if (off + 2 > buf.length) throw bad('truncated extension header');
    const next = buf[off] as number;
    const len = buf[off + 1] as number;
    off += 2;
    if (off + len > buf.length) throw bad('truncated extension');
    if (ext === EXT_SACK) {
      // Any length: libtorrent 2.0 sends bitmasks of 79, 83, 87… bytes under heavy reordering.
      if (len === 0) throw bad('empty selective ack');
      if (sack !== undefined) throw bad('two selective acks');
      sack = buf.subarray(off, off + len);
    }
    off += len;
    ext = next;
  }
  const p: Packet = {
    type: type as PacketType,
    connectionId: dv.getUint16(2),
    timestamp: dv.getUint32(4),
    timestampDiff: dv.getUint32(8),
    wndSize: dv.getUint32(12),
    seqNr: dv.getUint16(16),
    ackNr: dv.getUint16(18),
    payload: buf.subarray(off),
  };
  if (sack !== undefined) p.sack = sack;
  if (p.payload.length > 0 && type !== ST_DATA) throw bad(`payload on a packet of type ${type}`);
  return p;
}

/** The header (and selective ack, if any) of a packet; the payload is sent after it unchanged. */
export function encodeHeader(h: PacketHeader, sack?: Uint8Array): Uint8Array {
  if (sack !== undefined && (sack.length === 0 || sack.length % 4 !== 0 || sack.length > MAX_SACK_BYTES)) {
    throw new TesseraError('BAD_ARGUMENT', `uTP: selective ack of ${sack.length} bytes`);
  }
  const out = new Uint8Array(HEADER_SIZE + (sack !== undefined ? 2 + sack.length : 0));
  const dv = new DataView(out.buffer);
  out[0] = (h.type << 4) | UTP_VERSION;
  out[1] = sack !== undefined ? EXT_SACK : 0;
  dv.setUint16(2, h.connectionId & 0xffff);
  dv.setUint32(4, h.timestamp >>> 0);
  dv.setUint32(8, h.timestampDiff >>> 0);
  dv.setUint32(12, h.wndSize >>> 0);
  dv.setUint16(16, h.seqNr & 0xffff);
  dv.setUint16(18, h.ackNr & 0xffff);
  if (sack !== undefined) {
    out[20] = 0;
    out[21] = sack.length;
    out.set(sack, 22);
  }
  return out;
}

/** Whole packet in one buffer (tests, and small control packets). */
export function encodePacket(p: PacketHeader & { sack?: Uint8Array; payload?: Uint8Array }): Uint8Array {
  const head = encodeHeader(p, p.sack);
  if (p.payload === undefined || p.payload.length === 0) return head;
  const out = new Uint8Array(head.length + p.payload.length);
  out.set(head);
  out.set(p.payload, head.length);
  return out;
}

/** Sequence numbers are 16-bit and wrap: a is before b when b - a, mod 2^16, is in (0, 2^15). */
export function seqLess(a: number, b: number): boolean {
  const d = (b - a) & 0xffff;
  return d !== 0 && d < 0x8000;
}

/** (a - b) mod 2^16, as a signed distance in [-2^15, 2^15). */
export function seqDiff(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}

/** The sequence numbers a selective-ack bitmask marks as received. */
export function sackedSeqs(ackNr: number, sack: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < sack.length * 8; i++) {
    if (((sack[i >> 3] as number) >> (i & 7)) & 1) out.push((ackNr + 2 + i) & 0xffff);
  }
  return out;
}

/**
 * Build a selective-ack bitmask for the packets held past a gap: `has(seq)` for seq in
 * ackNr+2 ... Undefined when nothing past the gap is held.
 */
export function buildSack(ackNr: number, has: (seq: number) => boolean, maxBytes = 32): Uint8Array | undefined {
  const bits = new Uint8Array(maxBytes);
  let last = -1;
  for (let i = 0; i < maxBytes * 8; i++) {
    if (has((ackNr + 2 + i) & 0xffff)) {
      bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
      last = i;
    }
  }
  if (last < 0) return undefined;
  const len = (((last >> 3) + 4) >> 2) << 2;
  return bits.subarray(0, len);
}
