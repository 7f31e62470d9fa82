// Maps pieces to the file ranges that hold them (pure: no fs). Files are laid out end to end at
// their `offset` in one byte stream; in a v2-only torrent the layout is piece-aligned, so there
// can be gaps between a file's end and the next piece boundary. Gaps belong to no file, and a
// piece that ends in a gap is short (v2 pieces never span files).

export interface FileSpan {
  fileIndex: number;
  /** Offset of this span inside the file. */
  fileOffset: number;
  /** Offset of this span inside the piece. */
  pieceOffset: number;
  length: number;
  /** BEP 47 padding file: zeros, never stored. */
  padding: boolean;
}

export interface PieceMapFile {
  length: number;
  offset: number;
  padding: boolean;
}

export class PieceMap {
  readonly pieceCount: number;
  readonly pieceLength: number;
  readonly totalLength: number;
  private readonly files: readonly PieceMapFile[];
  /** Indices of non-empty files in offset order (binary-searched by spans()). */
  private readonly order: number[];
  private readonly contiguous: boolean;

  constructor(files: readonly PieceMapFile[], pieceLength: number, totalLength: number) {
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) throw new RangeError(`bad piece length ${pieceLength}`);
    if (!Number.isSafeInteger(totalLength) || totalLength < 0) throw new RangeError(`bad total length ${totalLength}`);
    this.files = files;
    this.pieceLength = pieceLength;
    this.totalLength = totalLength;
    this.pieceCount = Math.ceil(totalLength / pieceLength);
    this.order = [];
    let end = 0;
    let contiguous = true;
    for (let i = 0; i < files.length; i++) {
      const f = files[i] as PieceMapFile;
      if (f.length === 0) continue;
      if (f.offset < end || f.offset + f.length > totalLength) throw new RangeError(`file ${i} overlaps or exceeds the layout`);
      if (f.offset !== end) contiguous = false;
      end = f.offset + f.length;
      this.order.push(i);
    }
    if (end !== totalLength) contiguous = false;
    this.contiguous = contiguous;
  }

  /** Bytes of data in this piece: pieceLength, except the last piece and (v2 layout) a file's last piece. */
  pieceSize(index: number): number {
    this.checkIndex(index);
    const start = index * this.pieceLength;
    const nominal = Math.min(this.pieceLength, this.totalLength - start);
    if (this.contiguous) return nominal;
    const spans = this.spansRaw(start, nominal);
    const last = spans[spans.length - 1];
    return last === undefined ? 0 : last.pieceOffset + last.length;
  }

  /** The file ranges covering [start, start+length) of the piece, in order (gaps skipped). */
  spans(pieceIndex: number, start = 0, length?: number): FileSpan[] {
    this.checkIndex(pieceIndex);
    const size = Math.min(this.pieceLength, this.totalLength - pieceIndex * this.pieceLength);
    const len = length ?? size - start;
    if (start < 0 || len < 0 || start + len > size) throw new RangeError(`range ${start}+${len} outside piece ${pieceIndex}`);
    const spans = this.spansRaw(pieceIndex * this.pieceLength + start, len);
    for (const s of spans) s.pieceOffset += start;
    return spans;
  }

  /** Inclusive piece range of a file; an empty file gives first > last. */
  filePieceRange(fileIndex: number): { first: number; last: number } {
    const f = this.files[fileIndex];
    if (f === undefined) throw new RangeError(`no file ${fileIndex}`);
    const first = Math.floor(f.offset / this.pieceLength);
    if (f.length === 0) return { first, last: first - 1 };
    return { first, last: Math.floor((f.offset + f.length - 1) / this.pieceLength) };
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) throw new RangeError(`no piece ${index}`);
  }

  /** Spans of the absolute stream range [pos, pos+len); pieceOffset relative to pos. */
  private spansRaw(pos: number, len: number): FileSpan[] {
    const out: FileSpan[] = [];
    const end = pos + len;
    // First file whose end is beyond pos.
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const f = this.files[this.order[mid] as number] as PieceMapFile;
      if (f.offset + f.length <= pos) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < this.order.length; k++) {
      const idx = this.order[k] as number;
      const f = this.files[idx] as PieceMapFile;
      if (f.offset >= end) break;
      const a = Math.max(pos, f.offset);
      const b = Math.min(end, f.offset + f.length);
      if (b > a) out.push({ fileIndex: idx, fileOffset: a - f.offset, pieceOffset: a - pos, length: b - a, padding: f.padding });
    }
    return out;
  }
}

/** The layout length a PieceMap needs for a torrent: the v1 stream, or the end of the last v2 file. */
export function layoutLength(files: readonly PieceMapFile[]): number {
  let end = 0;
  for (const f of files) if (f.length > 0) end = Math.max(end, f.offset + f.length);
  return end;
}
