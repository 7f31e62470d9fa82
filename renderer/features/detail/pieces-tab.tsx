// Pieces: the piece bar (have / downloading / missing) and the availability bar of non-seeders,
// with the seed count shown apart. Hover names the piece (or the pieces a pixel summarises), its
// availability and its state.
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import type { TorrentDetail } from '../../../shared/snapshot.ts';
import { useApp } from '../../app-context.tsx';
import { heatColour, minAvailability, rasteriseAvailability } from '../../canvas/availability-bar.ts';
import { countAndNot, countBits, testBit } from '../../canvas/bits.ts';
import { piecesAtPixel } from '../../canvas/geometry.ts';
import type { Rgba } from '../../canvas/palette.ts';
import { rasterisePieceBar } from '../../canvas/piece-bar.ts';
import { availabilityStats } from '../../lib/availability-stats.ts';
import { formatBytes, formatPercent } from '../../lib/format.ts';
import { BarCanvas } from './bar-canvas.tsx';
import { usePalettes } from './use-palettes.ts';

const css = (c: Rgba): string => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${c[3] / 255})`;
const NUM = new Intl.NumberFormat('en-US');
const num = (n: number): string => NUM.format(n);

interface Hover { x: number; width: number }

function describe(d: TorrentDetail, pieceCount: number, h: Hover): string {
  const { first, end } = piecesAtPixel(h.x, pieceCount, h.width);
  if (end <= first) return '';
  const avail = minAvailability(d.availability, first, end);
  if (end - first === 1) {
    const state = testBit(d.have, first) ? 'have' : testBit(d.downloading, first) ? 'downloading' : 'missing';
    return `Piece ${num(first)}: ${state}; on ${avail} non-seed peer${avail === 1 ? '' : 's'}${d.seedCount ? ` + ${d.seedCount} seed${d.seedCount === 1 ? '' : 's'}` : ''}`;
  }
  const had = countBits(d.have, first, end);
  let dl = 0;
  for (let i = first; i < end; i++) if (!testBit(d.have, i) && testBit(d.downloading, i)) dl++;
  return `Pieces ${num(first)}–${num(end - 1)}: ${had} have, ${dl} downloading, ${end - first - had - dl} missing; rarest on ${avail} non-seed peer${avail === 1 ? '' : 's'}`;
}

export function PiecesTab({ detail }: { detail: TorrentDetail }): ReactNode {
  const summary = useApp((s) => s.torrents.get(detail.id));
  const palettes = usePalettes();
  const [hover, setHover] = useState<Hover | null>(null);
  const pieceCount = summary?.pieceCount ?? detail.availability.length;
  const { have, downloading, availability } = detail;

  const drawPieces = useCallback((w: number) => rasterisePieceBar(have, downloading, pieceCount, w, palettes.pieces), [have, downloading, pieceCount, palettes]);
  // One pass over the availability gives min/max/missing/copies; the bar's scale reuses its max.
  const stats = useMemo(() => availabilityStats(availability), [availability]);
  const max = Math.max(1, stats.max);
  // A piece no non-seed peer has is still available while a seed is connected: draw it in the
  // neutral "missing" grey then, and keep the alarm colour for pieces nobody connected has.
  const seeded = detail.seedCount > 0;
  const heat = useMemo(() => (seeded ? { ...palettes.heat, none: palettes.pieces.missing } : palettes.heat), [seeded, palettes]);
  const drawAvail = useCallback((w: number) => rasteriseAvailability(availability, w, { max, palette: heat }), [availability, max, heat]);
  const onHover = useCallback((x: number | null, width: number) => setHover(x === null ? null : { x, width }), []);

  const haveCount = useMemo(() => countBits(have, 0, pieceCount), [have, pieceCount]);
  const dlCount = useMemo(() => countAndNot(downloading, have, pieceCount), [have, downloading, pieceCount]);
  const gradient = useMemo(() => {
    const stops = [1, Math.max(1, Math.round(Math.sqrt(max))), max].map((a) => css(heatColour(a, max, palettes.heat)));
    return `linear-gradient(to right, ${stops.join(', ')})`;
  }, [max, palettes]);

  return (
    <div className="pieces-tab">
      <div className="bar-head">
        <span className="bar-title">Pieces</span>
        <span>{num(haveCount)} of {num(pieceCount)} ({formatPercent(pieceCount ? haveCount / pieceCount : 0)})</span>
        {summary && <span className="muted">× {formatBytes(summary.pieceLength)}</span>}
        <span className="legend">
          <i style={{ background: css(palettes.pieces.have) }} />have
          <i style={{ background: css(palettes.pieces.downloading) }} />downloading ({num(dlCount)})
          <i style={{ background: css(palettes.pieces.missing) }} />missing
        </span>
      </div>
      <BarCanvas rasterise={drawPieces} height={22} label={`Piece map: ${haveCount} of ${pieceCount} pieces`} onHover={onHover} />
      <div className="bar-head">
        <span className="bar-title">Availability</span>
        <span className="muted">non-seed peers per piece</span>
        <span>min {stats.min} · max {stats.max} · {stats.distributedCopies.toFixed(3)} copies{stats.missing && !seeded ? ` · ${num(stats.missing)} unavailable` : ''}</span>
        <span className="seed-count" title="Peers with every piece are not counted in the bar">
          + {detail.seedCount} seed{detail.seedCount === 1 ? '' : 's'}
        </span>
      </div>
      <BarCanvas rasterise={drawAvail} height={22} label={`Availability: rarest piece on ${stats.min} non-seed peers`} onHover={onHover} />
      <div className="heat-legend">
        <i style={{ background: css(heat.none) }} /><span>{seeded ? 'on seeds only' : 'none (unavailable)'}</span>
        <span className="heat-scale"><span>1 (rare)</span><b style={{ background: gradient }} /><span>{max}</span></span>
      </div>
      <div className="hover-line" aria-live="off">{hover ? describe(detail, pieceCount, hover) : 'Point at a bar to see a piece.'}</div>
    </div>
  );
}
