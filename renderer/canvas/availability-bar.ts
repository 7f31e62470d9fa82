// The availability bar: per piece, how many connected non-seed peers have it, on a heat scale.
// Seeds are shown apart (a number beside the bar): counting them would paint every piece equally
// "available" and hide the rare ones. A pixel covering several pieces shows their MINIMUM: the
// rarest piece is the one that decides whether the torrent can finish, so it must not be averaged
// away. Zero gets its own colour; 1..max map onto the gradient on a log scale (availability is
// long-tailed: 1 vs 2 copies matters far more than 40 vs 41).
import { piecesAtPixel, pieceStartPixel } from './geometry.ts';
import { DEFAULT_HEAT_PALETTE, type HeatPalette, type Rgba } from './palette.ts';

export interface AvailabilityOptions {
  /** The count that maps to the top of the scale; default the array's maximum. */
  max?: number;
  palette?: HeatPalette;
}

export function rasteriseAvailability(avail: Uint16Array, width: number, opts: AvailabilityOptions = {}): Uint8ClampedArray {
  const w = Math.max(0, Math.floor(width));
  const n = avail.length;
  const palette = opts.palette ?? DEFAULT_HEAT_PALETTE;
  const row = new Uint8ClampedArray(w * 4);
  if (w === 0) return row;
  if (n === 0) { for (let x = 0; x < w; x++) put(row, x, palette.none); return row; }
  const max = Math.max(1, opts.max ?? maxOf(avail));
  // One colour per count 0..max, computed once: heatColour (a log and an array per call) ran for
  // every pixel on every 4 Hz update.
  const lut = new Array<Rgba>(max + 1);
  for (let a = 0; a <= max; a++) lut[a] = heatColour(a, max, palette);
  const colour = (a: number): Rgba => lut[Math.min(a, max)]!;
  if (w >= n) {
    for (let i = 0; i < n; i++) {
      const c = colour(avail[i]!);
      const end = pieceStartPixel(i + 1, n, w);
      for (let x = pieceStartPixel(i, n, w); x < end; x++) put(row, x, c);
    }
    return row;
  }
  for (let x = 0; x < w; x++) {
    const { first, end } = piecesAtPixel(x, n, w);
    let min = 0xffff;
    for (let i = first; i < end; i++) { const a = avail[i]!; if (a < min) min = a; }
    put(row, x, colour(min));
  }
  return row;
}

/** Minimum availability over [first, end): what the hover tooltip reports for a pixel. */
export function minAvailability(avail: Uint16Array, first: number, end: number): number {
  let min = 0xffff;
  for (let i = first; i < end && i < avail.length; i++) { const a = avail[i]!; if (a < min) min = a; }
  return end > first ? min : 0;
}

export function maxOf(avail: Uint16Array): number {
  let m = 0;
  for (let i = 0; i < avail.length; i++) { const a = avail[i]!; if (a > m) m = a; }
  return m;
}

/** Heat colour of a count: `none` at 0, gradient position log(a)/log(max) otherwise. */
export function heatColour(a: number, max: number, palette: HeatPalette = DEFAULT_HEAT_PALETTE): Rgba {
  if (a <= 0) return palette.none;
  const stops = palette.stops;
  if (stops.length === 0) return palette.none;
  const t = max <= 1 ? 1 : Math.min(1, Math.log(a) / Math.log(max));
  const pos = t * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(pos));
  if (k < 0) return stops[0]!;
  const f = pos - k;
  const a0 = stops[k]!, a1 = stops[k + 1]!;
  return [
    Math.round(a0[0] + (a1[0] - a0[0]) * f), Math.round(a0[1] + (a1[1] - a0[1]) * f),
    Math.round(a0[2] + (a1[2] - a0[2]) * f), Math.round(a0[3] + (a1[3] - a0[3]) * f),
  ];
}

function put(row: Uint8ClampedArray, x: number, c: Rgba): void {
  const o = x * 4;
  row[o] = c[0]; row[o + 1] = c[1]; row[o + 2] = c[2]; row[o + 3] = c[3];
}
