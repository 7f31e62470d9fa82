import { type ReactNode } from 'react';
import { useApp } from '../app-context.tsx';
import { formatBytes } from '../lib/format.ts';
import { Icon } from './icons.tsx';

/** Global rates (the engine's session stats; the sum of the rows until the first arrives). */
export function StatusBar(): ReactNode {
  const session = useApp((s) => s.session);
  const torrents = useApp((s) => s.torrents);
  const shown = useApp((s) => s.view.length);
  const selected = useApp((s) => s.selected.size);
  let down = session?.downRate ?? 0, up = session?.upRate ?? 0;
  if (!session) for (const t of torrents.values()) { down += t.downRate; up += t.upRate; }
  return (
    <footer className="status-bar">
      <span>{torrents.size} torrents{shown !== torrents.size ? ` (${shown} shown)` : ''}{selected ? `, ${selected} selected` : ''}</span>
      <span className="toolbar-fill" />
      {session && <span title="Listening port">Port {session.port}</span>}
      <span className="rate rate-down" title="Total download rate"><Icon name="down" size={12} /> {formatBytes(down)}/s</span>
      <span className="rate rate-up" title="Total upload rate"><Icon name="up" size={12} /> {formatBytes(up)}/s</span>
    </footer>
  );
}
