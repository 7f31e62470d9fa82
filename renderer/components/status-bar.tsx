import { type ReactNode } from 'react';
import type { TorrentSummary } from '../../shared/snapshot.ts';
import { useApp } from '../app-context.tsx';
import { formatBytes } from '../lib/format.ts';
import { Icon } from './icons.tsx';

function sumRates(torrents: ReadonlyMap<string, TorrentSummary>, key: 'downRate' | 'upRate'): number {
  let n = 0;
  for (const t of torrents.values()) n += t[key];
  return n;
}

/** Global rates (the engine's session stats; the sum of the rows until the first arrives). */
export function StatusBar(): ReactNode {
  const session = useApp((s) => s.session);
  // Numbers, not the torrents map: the bar re-renders when a figure it shows changes, not on every row update.
  const total = useApp((s) => s.torrents.size);
  const shown = useApp((s) => s.view.length);
  const selected = useApp((s) => s.selected.size);
  const rowDown = useApp((s) => (s.session ? 0 : sumRates(s.torrents, 'downRate')));
  const rowUp = useApp((s) => (s.session ? 0 : sumRates(s.torrents, 'upRate')));
  const down = session?.downRate ?? rowDown, up = session?.upRate ?? rowUp;
  return (
    <footer className="status-bar">
      <span>{total} torrents{shown !== total ? ` (${shown} shown)` : ''}{selected ? `, ${selected} selected` : ''}</span>
      <span className="toolbar-fill" />
      {session && <span title="Listening port">Port {session.port}</span>}
      <span className="rate rate-down" title="Total download rate"><Icon name="down" size={12} /> {formatBytes(down)}/s</span>
      <span className="rate rate-up" title="Total upload rate"><Icon name="up" size={12} /> {formatBytes(up)}/s</span>
    </footer>
  );
}
