// Colours for the bars as RGBA bytes. The app reads them from CSS custom properties so the bars
// follow the theme; the rasterisers take them as plain data so they stay pure.

export type Rgba = readonly [number, number, number, number];

export interface PiecePalette { have: Rgba; downloading: Rgba; missing: Rgba }
export interface HeatPalette {
  /** No connected non-seed peer has the piece. */
  none: Rgba;
  /** Gradient stops from rarest (index 0) to most available. */
  stops: readonly Rgba[];
}

export const DEFAULT_PIECE_PALETTE: PiecePalette = {
  have: [46, 125, 219, 255],
  downloading: [76, 175, 80, 255],
  missing: [224, 228, 234, 255],
};

export const DEFAULT_HEAT_PALETTE: HeatPalette = {
  none: [200, 40, 40, 255],
  stops: [
    [253, 231, 37, 255],  // rare: yellow
    [94, 201, 98, 255],
    [33, 145, 140, 255],
    [59, 82, 139, 255],   // common: deep blue
  ],
};

/** Parse "#rgb", "#rrggbb" or "rgb(a)(r, g, b[, a])" as produced by getComputedStyle. */
export function parseCssColour(text: string): Rgba | null {
  const s = text.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s);
  if (hex?.[1]) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join('') : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16), 255];
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+))?\s*\)$/i.exec(s);
  if (fn) {
    const a = fn[4] === undefined ? 1 : Number(fn[4]);
    return [Number(fn[1]), Number(fn[2]), Number(fn[3]), Math.round(a * 255)];
  }
  return null;
}
