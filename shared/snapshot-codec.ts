// Binary frame for one TorrentDetail. The bit arrays and the availability array are the bulk of a
// detail snapshot (a 4 GiB torrent with 16 KiB pieces has 262,144 pieces: 64 KiB of bitfield and
// 512 KiB of availability); as JSON number arrays they would be 5–10× larger and slow to parse.
// So they travel as raw bytes after a small fixed header, followed by the JSON of everything else.
//
// Layout (all integers little-endian):
//   0  u8[2]  magic 'T' 'D'
//   2  u8     version (2: the JSON has no file list since the torrent:files command)
//   3  u8     flags (reserved, 0)
//   4  u32    pieceCount
//   8  u32    jsonLength
//  12  u8[B]  have          B = ceil(pieceCount / 8)
//      u8[B]  downloading
//      u8[2P] availability  P = pieceCount, u16 little-endian each
//      u8[J]  JSON utf-8 of { id, seedCount, peers, trackers }
// No Node, no DOM: TextEncoder/TextDecoder and DataView exist in both.
import type { TorrentDetail } from './snapshot.ts';

export const DETAIL_FRAME_MAGIC_0 = 0x54; // 'T'
export const DETAIL_FRAME_MAGIC_1 = 0x44; // 'D'
export const DETAIL_FRAME_VERSION = 2;
export const DETAIL_FRAME_HEADER = 12;
const HEADER = DETAIL_FRAME_HEADER;
/** 2^24 pieces is far beyond any real torrent (16 TiB at 1 MiB pieces); caps allocation on decode. */
export const MAX_FRAME_PIECES = 1 << 24;
export const MAX_FRAME_JSON = 32 * 1024 * 1024;

export class SnapshotCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotCodecError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Typed arrays use the host's byte order; on little-endian hosts (all we ship on) the u16 run is copied as bytes. */
export const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function bitfieldBytes(pieceCount: number): number {
  return Math.ceil(pieceCount / 8);
}

export function encodeDetail(detail: TorrentDetail): Uint8Array {
  const pieceCount = detail.availability.length;
  const bf = bitfieldBytes(pieceCount);
  if (detail.have.length !== bf || detail.downloading.length !== bf) {
    throw new SnapshotCodecError(`bitfield length ${detail.have.length}/${detail.downloading.length} does not match ${pieceCount} pieces`);
  }
  const json = encodeDetailJson(detail);
  const out = new Uint8Array(HEADER + 2 * bf + 2 * pieceCount + json.length);
  const view = new DataView(out.buffer);
  out[0] = DETAIL_FRAME_MAGIC_0;
  out[1] = DETAIL_FRAME_MAGIC_1;
  out[2] = DETAIL_FRAME_VERSION;
  out[3] = 0;
  view.setUint32(4, pieceCount, true);
  view.setUint32(8, json.length, true);
  let off = HEADER;
  out.set(detail.have, off);
  off += bf;
  out.set(detail.downloading, off);
  off += bf;
  const av = detail.availability;
  if (HOST_LE) {
    out.set(new Uint8Array(av.buffer, av.byteOffset, 2 * pieceCount), off);
    off += 2 * pieceCount;
  } else {
    for (let i = 0; i < pieceCount; i++) {
      view.setUint16(off, av[i] ?? 0, true);
      off += 2;
    }
  }
  out.set(json, off);
  return out;
}

export function isDetailFrame(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER && bytes[0] === DETAIL_FRAME_MAGIC_0 && bytes[1] === DETAIL_FRAME_MAGIC_1;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes a frame; throws SnapshotCodecError on anything malformed (never reads past the end). */
export function decodeDetail(bytes: Uint8Array): TorrentDetail {
  if (!isDetailFrame(bytes)) throw new SnapshotCodecError('not a detail frame');
  if (bytes[2] !== DETAIL_FRAME_VERSION) throw new SnapshotCodecError(`unsupported detail frame version ${bytes[2]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pieceCount = view.getUint32(4, true);
  const jsonLength = view.getUint32(8, true);
  if (pieceCount > MAX_FRAME_PIECES) throw new SnapshotCodecError(`piece count ${pieceCount} too large`);
  if (jsonLength > MAX_FRAME_JSON) throw new SnapshotCodecError(`json length ${jsonLength} too large`);
  const bf = bitfieldBytes(pieceCount);
  const expected = HEADER + 2 * bf + 2 * pieceCount + jsonLength;
  if (bytes.length !== expected) throw new SnapshotCodecError(`frame is ${bytes.length} bytes, header says ${expected}`);
  let off = HEADER;
  // slice(): copies, so the result does not pin the (possibly larger) receive buffer.
  const have = bytes.slice(off, off + bf);
  off += bf;
  const downloading = bytes.slice(off, off + bf);
  off += bf;
  const availability = new Uint16Array(pieceCount);
  if (HOST_LE) {
    // One memcpy instead of 100,000 DataView reads (the frame's offset may be odd, so no view).
    new Uint8Array(availability.buffer).set(bytes.subarray(off, off + 2 * pieceCount));
    off += 2 * pieceCount;
  } else {
    for (let i = 0; i < pieceCount; i++) {
      availability[i] = view.getUint16(off, true);
      off += 2;
    }
  }
  return { ...decodeDetailJson(bytes.subarray(off, off + jsonLength)), have, downloading, availability };
}

export type DetailRest = Omit<TorrentDetail, 'have' | 'downloading' | 'availability'>;

export function encodeDetailJson(detail: TorrentDetail): Uint8Array {
  return encoder.encode(JSON.stringify({ id: detail.id, seedCount: detail.seedCount, peers: detail.peers, trackers: detail.trackers }));
}

/** The JSON tail of a frame: { id, seedCount, peers, trackers }. */
export function decodeDetailJson(bytes: Uint8Array): DetailRest {
  let rest: unknown;
  try {
    rest = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new SnapshotCodecError(`detail JSON invalid: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isRecord(rest) || typeof rest.id !== 'string' || typeof rest.seedCount !== 'number' ||
      !Array.isArray(rest.peers) || !Array.isArray(rest.trackers)) {
    throw new SnapshotCodecError('detail JSON has the wrong shape');
  }
  // The JSON part comes from our own engine; its element shapes are trusted after the top-level check.
  return {
    id: rest.id,
    seedCount: rest.seedCount,
    peers: rest.peers as TorrentDetail['peers'],
    trackers: rest.trackers as TorrentDetail['trackers'],
  };
}
