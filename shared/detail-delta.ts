// Delta detail frames: between one 4 Hz detail and the next only a few hundred pieces finish and
// a few thousand availability counts move, yet a full frame resends all ~2.25 bytes per piece
// (225 KiB for 100,000 pieces). A stream that starts with a full frame (snapshot-codec.ts,
// version 1) may follow it with delta frames that carry only the changed runs of the three arrays.
// Sender and receiver each own one object per connection. Every frame carries its index in the
// stream and a delta names the index of the frame it builds on, so a receiver that missed or
// failed that base refuses the delta (SnapshotCodecError) and recovers at the next full frame,
// which the encoder sends at least every KEYFRAME_EVERY frames and whenever the torrent changes.
// A full frame has the same layout with the `full` flag: one run covering each whole array.
//
// Delta layout (integers little-endian):
//   0  u8[2]  magic 'T' 'D'
//   2  u8     version (3: the JSON has no file list since the torrent:files command)
//   3  u8     flags: bit 0 = full (patches all-zero arrays, no base)
//   4  u32    pieceCount
//   8  u32    jsonLength
//  12  u32    index of this frame in the stream
//  16  u32    base: the index of the frame this one patches (unused when full)
//  20  three sections — have (1-byte elements), downloading (1), availability (2, u16 LE) — each:
//        u32 runCount, then runCount × { u32 start, u32 length, length elements }
//      u8[J]  JSON utf-8 of { id, seedCount, peers, trackers }
// An array with no runs is unchanged: the decoder hands back the previous array object itself, so
// the UI can skip redrawing a bar whose data did not move (it compares by identity).
import {
  decodeDetail, decodeDetailJson, DETAIL_FRAME_MAGIC_0, DETAIL_FRAME_MAGIC_1,
  encodeDetailJson, HOST_LE, MAX_FRAME_JSON, MAX_FRAME_PIECES, SnapshotCodecError,
} from './snapshot-codec.ts';
import type { TorrentDetail } from './snapshot.ts';

export const DELTA_FRAME_VERSION = 3;
const DELTA_HEADER = 20;
const FLAG_FULL = 1;
/** A full frame at least this often (frames), so a receiver that lost its base catches up. */
export const KEYFRAME_EVERY = 40;
/** Unchanged elements between two changed runs are sent anyway when they cost less than a run header. */
const RUN_HEADER = 8;

type Run = readonly [start: number, length: number];

/** Changed runs of `b` against `a` (same length), merging runs split by short unchanged gaps. */
function diffRuns(a: ArrayLike<number>, b: ArrayLike<number>, elemBytes: number): Run[] {
  const runs: Run[] = [];
  const maxGap = Math.ceil(RUN_HEADER / elemBytes);
  const n = b.length;
  let i = 0;
  while (i < n) {
    if (a[i] === b[i]) { i++; continue; }
    const start = i;
    let end = i + 1; // exclusive end of the last changed element
    i++;
    while (i < n) {
      if (a[i] !== b[i]) { end = ++i; continue; }
      if (i - end >= maxGap) break;
      i++;
    }
    runs.push([start, end - start]);
    i = end;
  }
  return runs;
}

function runsBytes(runs: readonly Run[], elemBytes: number): number {
  let n = 4;
  for (const [, len] of runs) n += RUN_HEADER + len * elemBytes;
  return n;
}

function writeRuns(out: Uint8Array, view: DataView, off: number, src: Uint8Array | Uint16Array, runs: readonly Run[]): number {
  view.setUint32(off, runs.length, true);
  off += 4;
  const wide = src instanceof Uint16Array;
  for (const [start, len] of runs) {
    view.setUint32(off, start, true);
    view.setUint32(off + 4, len, true);
    off += RUN_HEADER;
    if (!wide) { out.set(src.subarray(start, start + len), off); off += len; continue; }
    if (HOST_LE) { out.set(new Uint8Array(src.buffer, src.byteOffset + 2 * start, 2 * len), off); off += 2 * len; continue; }
    for (let k = 0; k < len; k++, off += 2) view.setUint16(off, src[start + k] ?? 0, true);
  }
  return off;
}

/** Sender side: one per receiver. Call encode() only for frames that are really sent, in order. */
export class DetailFrameEncoder {
  #sent = 0;
  #lastFull = 0;
  #base: { index: number; id: string; have: Uint8Array; downloading: Uint8Array; availability: Uint16Array } | null = null;

  encode(d: TorrentDetail): Uint8Array {
    const index = this.#sent++;
    const b = this.#base;
    const whole = (a: ArrayLike<number>): Run[] => (a.length ? [[0, a.length]] : []);
    const json = encodeDetailJson(d);
    const full = (): Uint8Array => frame(d, json, index, null, whole(d.have), whole(d.downloading), whole(d.availability));
    let out: Uint8Array;
    if (b && b.id === d.id && b.availability.length === d.availability.length && b.have.length === d.have.length &&
        b.downloading.length === d.downloading.length && index - this.#lastFull < KEYFRAME_EVERY) {
      const rh = diffRuns(b.have, d.have, 1);
      const rd = diffRuns(b.downloading, d.downloading, 1);
      const ra = diffRuns(b.availability, d.availability, 2);
      const size = runsBytes(rh, 1) + runsBytes(rd, 1) + runsBytes(ra, 2);
      const fullSize = runsBytes(whole(d.have), 1) + runsBytes(whole(d.downloading), 1) + runsBytes(whole(d.availability), 2);
      // Most of the arrays changed: a full frame costs about the same and restarts the chain.
      out = size > fullSize * 0.75 ? full() : frame(d, json, index, b.index, rh, rd, ra);
    } else {
      out = full();
    }
    if (out[3] === FLAG_FULL) this.#lastFull = index;
    if (b && b.have.length === d.have.length && b.downloading.length === d.downloading.length && b.availability.length === d.availability.length) {
      // Copied into our own arrays: the engine may reuse its own, and the next diff must compare with what was sent.
      b.index = index; b.id = d.id;
      b.have.set(d.have); b.downloading.set(d.downloading); b.availability.set(d.availability);
    } else {
      this.#base = { index, id: d.id, have: d.have.slice(), downloading: d.downloading.slice(), availability: d.availability.slice() };
    }
    return out;
  }
}

function frame(d: TorrentDetail, json: Uint8Array, index: number, base: number | null, rh: readonly Run[], rd: readonly Run[], ra: readonly Run[]): Uint8Array {
  const out = new Uint8Array(DELTA_HEADER + runsBytes(rh, 1) + runsBytes(rd, 1) + runsBytes(ra, 2) + json.length);
  const view = new DataView(out.buffer);
  out[0] = DETAIL_FRAME_MAGIC_0;
  out[1] = DETAIL_FRAME_MAGIC_1;
  out[2] = DELTA_FRAME_VERSION;
  out[3] = base === null ? FLAG_FULL : 0;
  view.setUint32(4, d.availability.length, true);
  view.setUint32(8, json.length, true);
  view.setUint32(12, index >>> 0, true);
  view.setUint32(16, (base ?? index) >>> 0, true);
  let off = DELTA_HEADER;
  off = writeRuns(out, view, off, d.have, rh);
  off = writeRuns(out, view, off, d.downloading, rd);
  off = writeRuns(out, view, off, d.availability, ra);
  out.set(json, off);
  return out;
}

/** Reads one section, patching a copy of `prev` (or returning `prev` itself when nothing changed). */
function readRuns<T extends Uint8Array | Uint16Array>(bytes: Uint8Array, view: DataView, off: number, prev: T): { arr: T; off: number } {
  if (off + 4 > bytes.length) throw new SnapshotCodecError('delta frame truncated');
  const count = view.getUint32(off, true);
  off += 4;
  if (count > prev.length) throw new SnapshotCodecError(`delta has ${count} runs for ${prev.length} elements`);
  if (count === 0) return { arr: prev, off };
  const arr = prev.slice() as T;
  const wide = arr instanceof Uint16Array;
  let next = 0; // runs must be in order and apart: each element is written at most once
  for (let r = 0; r < count; r++) {
    if (off + RUN_HEADER > bytes.length) throw new SnapshotCodecError('delta frame truncated');
    const start = view.getUint32(off, true);
    const len = view.getUint32(off + 4, true);
    off += RUN_HEADER;
    if (len === 0 || start < next || start + len > arr.length) throw new SnapshotCodecError(`delta run ${start}+${len} out of range`);
    next = start + len;
    const nbytes = wide ? 2 * len : len;
    if (off + nbytes > bytes.length) throw new SnapshotCodecError('delta frame truncated');
    if (!wide) arr.set(bytes.subarray(off, off + len), start);
    else if (HOST_LE) new Uint8Array(arr.buffer, 2 * start, 2 * len).set(bytes.subarray(off, off + 2 * len));
    else for (let k = 0; k < len; k++) arr[start + k] = view.getUint16(off + 2 * k, true);
    off += nbytes;
  }
  return { arr, off };
}

/** Receiver side: one per connection. Also reads plain version-1 frames (snapshot-codec.ts). */
export class DetailFrameDecoder {
  #last: { index: number; detail: TorrentDetail } | null = null;

  /** Decodes the next frame; throws SnapshotCodecError when it is malformed or patches a frame this decoder does not hold. */
  decode(bytes: Uint8Array): TorrentDetail {
    if (bytes.length < DELTA_HEADER || bytes[2] !== DELTA_FRAME_VERSION) {
      const plain = decodeDetail(bytes);
      this.#last = null; // a plain frame has no index: nothing can build on it
      return plain;
    }
    if (bytes[0] !== DETAIL_FRAME_MAGIC_0 || bytes[1] !== DETAIL_FRAME_MAGIC_1) throw new SnapshotCodecError('not a detail frame');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const pieceCount = view.getUint32(4, true);
    const jsonLength = view.getUint32(8, true);
    const index = view.getUint32(12, true);
    const base = view.getUint32(16, true);
    const isFull = (bytes[3]! & FLAG_FULL) !== 0;
    if (pieceCount > MAX_FRAME_PIECES) throw new SnapshotCodecError(`piece count ${pieceCount} too large`);
    if (jsonLength > MAX_FRAME_JSON) throw new SnapshotCodecError(`json length ${jsonLength} too large`);
    const last = this.#last;
    let prev: Pick<TorrentDetail, 'id' | 'have' | 'downloading' | 'availability'>;
    if (isFull) {
      const bf = Math.ceil(pieceCount / 8);
      // The runs must cover what the frame claims, so size checks come before allocating.
      if (bytes.length < DELTA_HEADER + bf * 2 + pieceCount * 2) throw new SnapshotCodecError('full frame shorter than its arrays');
      prev = { id: '', have: new Uint8Array(bf), downloading: new Uint8Array(bf), availability: new Uint16Array(pieceCount) };
    } else {
      if (!last || last.index !== base || last.detail.availability.length !== pieceCount) {
        throw new SnapshotCodecError(`delta frame without its base (frame ${base})`);
      }
      prev = last.detail;
    }
    const h = readRuns(bytes, view, DELTA_HEADER, prev.have);
    const dl = readRuns(bytes, view, h.off, prev.downloading);
    const av = readRuns(bytes, view, dl.off, prev.availability);
    if (av.off + jsonLength !== bytes.length) throw new SnapshotCodecError(`frame is ${bytes.length} bytes, sections say ${av.off + jsonLength}`);
    const rest = decodeDetailJson(bytes.subarray(av.off));
    if (!isFull && rest.id !== prev.id) throw new SnapshotCodecError('delta frame for another torrent than its base');
    const detail: TorrentDetail = { ...rest, have: h.arr, downloading: dl.arr, availability: av.arr };
    this.#last = { index, detail };
    return detail;
  }
}
