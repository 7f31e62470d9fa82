// Bar colours from the theme's CSS custom properties (theme.css), with the built-in palette as
// the fallback for anything missing or unparsable.
import { DEFAULT_HEAT_PALETTE, DEFAULT_PIECE_PALETTE, parseCssColour, type HeatPalette, type PiecePalette, type Rgba } from './palette.ts';

export function readPalettes(el: Element): { pieces: PiecePalette; heat: HeatPalette } {
  const cs = getComputedStyle(el);
  const get = (name: string, fallback: Rgba): Rgba => parseCssColour(cs.getPropertyValue(name)) ?? fallback;
  const d = DEFAULT_PIECE_PALETTE, h = DEFAULT_HEAT_PALETTE;
  return {
    pieces: { have: get('--piece-have', d.have), downloading: get('--piece-downloading', d.downloading), missing: get('--piece-missing', d.missing) },
    heat: { none: get('--heat-none', h.none), stops: h.stops.map((s, i) => get(`--heat-${i}`, s)) },
  };
}
