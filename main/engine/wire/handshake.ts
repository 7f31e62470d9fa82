// BEP 3 handshake: <pstrlen=19><"BitTorrent protocol"><8 reserved bytes><info_hash 20><peer_id 20>.
// Reserved bits we understand: BEP 10 extension protocol (byte 5, 0x10), BEP 5 DHT (byte 7, 0x01),
// BEP 6 fast extension (byte 7, 0x04). Unknown reserved bits are kept as they came.

import { TesseraError } from '../errors.ts';

export const HANDSHAKE_LENGTH = 68;
const PSTR = 'BitTorrent protocol';
const PSTR_BYTES = new TextEncoder().encode(PSTR);

export interface Handshake {
  type: 'handshake';
  /** The 8 reserved bytes as received (a copy). */
  reserved: Uint8Array;
  infoHash: Uint8Array;
  peerId: Uint8Array;
  /** BEP 10 extension protocol supported. */
  extended: boolean;
  /** BEP 6 fast extension supported. */
  fast: boolean;
  /** BEP 5 DHT supported (the peer will send a `port` message). */
  dht: boolean;
}

export interface HandshakeOptions {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  extended?: boolean;
  fast?: boolean;
  dht?: boolean;
}

export function encodeHandshake(opts: HandshakeOptions): Uint8Array {
  if (opts.infoHash.length !== 20) throw new TesseraError('BAD_ARGUMENT', 'info-hash must be 20 bytes');
  if (opts.peerId.length !== 20) throw new TesseraError('BAD_ARGUMENT', 'peer id must be 20 bytes');
  const out = new Uint8Array(HANDSHAKE_LENGTH);
  out[0] = 19;
  out.set(PSTR_BYTES, 1);
  if (opts.extended === true) out[25] = 0x10; // reserved byte 5 = offset 20 + 5
  let b7 = 0;
  if (opts.dht === true) b7 |= 0x01;
  if (opts.fast === true) b7 |= 0x04;
  out[27] = b7; // reserved byte 7
  out.set(opts.infoHash, 28);
  out.set(opts.peerId, 48);
  return out;
}

/** Decode exactly 68 bytes. Throws WIRE_PROTOCOL on anything that is not a BitTorrent handshake. */
export function decodeHandshake(bytes: Uint8Array): Handshake {
  if (bytes.length !== HANDSHAKE_LENGTH) {
    throw new TesseraError('WIRE_PROTOCOL', `handshake must be ${HANDSHAKE_LENGTH} bytes, got ${bytes.length}`);
  }
  checkProtocolPrefix(bytes);
  const reserved = bytes.slice(20, 28);
  return {
    type: 'handshake',
    reserved,
    infoHash: bytes.slice(28, 48),
    peerId: bytes.slice(48, 68),
    extended: ((reserved[5] ?? 0) & 0x10) !== 0,
    fast: ((reserved[7] ?? 0) & 0x04) !== 0,
    dht: ((reserved[7] ?? 0) & 0x01) !== 0,
  };
}

/**
 * Check the first min(20, bytes.length) bytes against "\x13BitTorrent protocol", so a connection
 * speaking something else can be dropped after its first byte rather than after 68.
 */
export function checkProtocolPrefix(bytes: Uint8Array): void {
  const n = Math.min(20, bytes.length);
  if (n > 0 && bytes[0] !== 19) throw new TesseraError('WIRE_PROTOCOL', 'not a BitTorrent handshake (bad pstrlen)');
  for (let i = 1; i < n; i++) {
    if (bytes[i] !== PSTR_BYTES[i - 1]) throw new TesseraError('WIRE_PROTOCOL', 'not a BitTorrent handshake (bad protocol string)');
  }
}
