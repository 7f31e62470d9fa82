// The Speed tab: a live uPlot graph of download and upload rates over the last 5 minutes, for the
// whole session (from session:stats) and for the selected torrent (from its list row). uPlot
// draws on a canvas and styles its DOM through the CSSOM, which the page's CSP allows.
import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useApp, useAppStore } from '../../app-context.tsx';
import { useElementWidth } from '../../lib/use-element-width.ts';
import { formatBytes, formatRate } from '../../lib/format.ts';
import { resolvedTheme } from '../../store/actions.ts';
import { historyOf } from './speed-recorder.ts';
import '../jobs/dialogs.css';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

const rateAxis = (_u: uPlot, vals: number[]): string[] => vals.map((v) => (v === 0 ? '0' : `${formatBytes(v)}/s`));

export function SpeedTab({ id }: { id: string }): ReactNode {
  const store = useAppStore();
  const theme = useApp(resolvedTheme);
  const name = useApp((s) => s.torrents.get(id)?.name ?? '');
  const rates = useApp((s) => s.session);
  const row = useApp((s) => s.torrents.get(id));
  const wrap = useRef<HTMLDivElement>(null);
  const width = useElementWidth(wrap);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = wrap.current;
    if (!el || width <= 0) return;
    const down = cssVar('--piece-downloading', '#43a047');
    const up = cssVar('--accent', '#2e7ddb');
    const grid = { stroke: cssVar('--border', '#d9dde3'), width: 1 };
    const axis = { stroke: cssVar('--muted', '#6a7383'), grid, ticks: grid };
    const opts: uPlot.Options = {
      width, height: Math.max(120, el.clientHeight || 160),
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1024, max * 1.1)] } },
      axes: [axis, { ...axis, values: rateAxis, size: 80 }],
      series: [
        {},
        { label: 'Session down', stroke: down, width: 1, dash: [4, 3], points: { show: false } },
        { label: 'Session up', stroke: up, width: 1, dash: [4, 3], points: { show: false } },
        { label: 'Torrent down', stroke: down, width: 2, fill: `${down}22` },
        { label: 'Torrent up', stroke: up, width: 2 },
      ],
    };
    const p = new uPlot(opts, [[], [], [], [], []], el);
    plot.current = p;
    const draw = (): void => {
      const h = historyOf(store);
      const s = h.session();
      const t = h.torrent(id);
      // Align the torrent's samples to the session's clock (both are taken in the same tick).
      const tmap = new Map<number, number>();
      t?.t.forEach((x, i) => tmap.set(x, i));
      const pick = (arr: number[] | undefined): Array<number | null> => s.t.map((x) => { const i = tmap.get(x); return i === undefined || !arr ? null : arr[i] ?? null; });
      p.setData([s.t, s.down, s.up, pick(t?.down), pick(t?.up)]);
    };
    draw();
    const timer = setInterval(draw, 1000);
    return () => { clearInterval(timer); p.destroy(); plot.current = null; };
  }, [store, id, width, theme]);

  return (
    <div className="speed-tab">
      <div className="speed-legend" aria-live="off">
        <span>Session: ↓ {formatRate(rates?.downRate ?? 0) || '0 B/s'} ↑ {formatRate(rates?.upRate ?? 0) || '0 B/s'} (dashed)</span>
        <span>{name}: ↓ {formatRate(row?.downRate ?? 0) || '0 B/s'} ↑ {formatRate(row?.upRate ?? 0) || '0 B/s'} (solid)</span>
        <span className="muted">last 5 minutes · green down, blue up</span>
      </div>
      <div className="speed-chart" ref={wrap} role="img" aria-label={`Speed graph: session and ${name}`} />
    </div>
  );
}
