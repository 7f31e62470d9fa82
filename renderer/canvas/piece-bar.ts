// The piece bar: one RGBA row, have / downloading / missing, exact at piece edges (geometry.ts).
// When several pieces share a pixel, the pixel is the mix of the three colours weighted by the
// fraction of its pieces in each state: a pixel whose pieces are all had is exactly `have`, one
// with none had and none requested is exactly `missing`, and partial pixels shade in between —
// so a thin gap in a 100,000-piece torrent still shows instead of vanishing.
import { countBits, testBit } from './bits.ts';
import { piecesAtPixel, pieceStartPixel } from './geometry.ts';
import { DEFAULT_PIECE_PALETTE, type PiecePalette, type Rgba } from './palette.ts';

export function rasterisePieceBar(
  have: Uint8Array, downloading: Uint8Array, pieceCount: number, width: number,
  palette: PiecePalette = DEFAULT_PIECE_PALETTE,
): Uint8ClampedArray {
  const w = Math.max(0, Math.floor(width));
  const row = new Uint8ClampedArray(w * 4);
  if (w === 0) return row;
  if (pieceCount <= 0) { fill(row, 0, w, palette.missing); return row; }
  if (w >= pieceCount) {
    for (let i = 0; i < pieceCount; i++) {
      const c = testBit(have, i) ? palette.have : testBit(downloading, i) ? palette.downloading : palette.missing;
      fill(row, pieceStartPixel(i, pieceCount, w), pieceStartPixel(i + 1, pieceCount, w), c);
    }
    return row;
  }
  for (let x = 0; x < w; x++) {
    const { first, end } = piecesAtPixel(x, pieceCount, w);
    const total = end - first;
    const had = countBits(have, first, end);
    // A piece both had and still flagged downloading counts as had.
    let dl = 0;
    if (had < total) for (let i = first; i < end; i++) if (!testBit(have, i) && testBit(downloading, i)) dl++;
    mix(row, x, palette, had, dl, total);
  }
  return row;
}

function fill(row: Uint8ClampedArray, from: number, to: number, c: Rgba): void {
  for (let x = from; x < to; x++) {
    const o = x * 4;
    row[o] = c[0]; row[o + 1] = c[1]; row[o + 2] = c[2]; row[o + 3] = c[3];
  }
}

// Integer weights divided once: the same counts always give the same byte (fractions like
// 1 - h/t - d/t round differently at .5 depending on the order of the float operations).
function mix(row: Uint8ClampedArray, x: number, p: PiecePalette, had: number, dl: number, total: number): void {
  const missing = total - had - dl;
  const o = x * 4;
  for (let k = 0; k < 4; k++) {
    row[o + k] = Math.round((p.have[k]! * had + p.downloading[k]! * dl + p.missing[k]! * missing) / total);
  }
}
