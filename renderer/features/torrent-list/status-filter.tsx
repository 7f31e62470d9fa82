// The sidebar: filter by status, with counts (qBittorrent's "Status" panel).
import { useMemo, type ReactNode } from 'react';
import { useApp, useAppStore } from '../../app-context.tsx';
import { setStatusFilter } from '../../store/actions.ts';
import type { StatusFilter as Filter } from '../../store/state.ts';
import { matchesStatus } from '../../store/view.ts';

const FILTERS: ReadonlyArray<[Filter, string]> = [
  ['all', 'All'], ['downloading', 'Downloading'], ['seeding', 'Seeding'], ['completed', 'Completed'],
  ['paused', 'Paused'], ['active', 'Active'], ['error', 'Errored'],
];

export function StatusFilter(): ReactNode {
  const store = useAppStore();
  const torrents = useApp((s) => s.torrents);
  const current = useApp((s) => s.statusFilter);
  const counts = useMemo(() => {
    const c = new Map<Filter, number>(FILTERS.map(([f]) => [f, 0]));
    for (const t of torrents.values()) for (const [f] of FILTERS) if (matchesStatus(t, f)) c.set(f, (c.get(f) ?? 0) + 1);
    return c;
  }, [torrents]);
  return (
    <nav className="sidebar" aria-label="Filter by status">
      <div className="sidebar-title">Status</div>
      {FILTERS.map(([f, label]) => (
        <button key={f} type="button" className={`sidebar-item${current === f ? ' active' : ''}${f === 'error' && (counts.get(f) ?? 0) > 0 ? ' has-errors' : ''}`}
          aria-pressed={current === f} onClick={() => setStatusFilter(store, f)}>
          <span>{label}</span><span className="count">{counts.get(f) ?? 0}</span>
        </button>
      ))}
    </nav>
  );
}
