// The sidebar: filter by status, with counts (qBittorrent's "Status" panel).
import type { ReactNode } from 'react';
import { useApp, useAppStore } from '../../app-context.tsx';
import { setStatusFilter } from '../../store/actions.ts';
import type { StatusFilter as Filter } from '../../store/state.ts';

const FILTERS: ReadonlyArray<[Filter, string]> = [
  ['all', 'All'], ['downloading', 'Downloading'], ['seeding', 'Seeding'], ['completed', 'Completed'],
  ['paused', 'Paused'], ['active', 'Active'], ['error', 'Errored'],
];

export function StatusFilter(): ReactNode {
  const store = useAppStore();
  // Kept by the store from the changed rows only, and the same object while no count moves: a
  // tick of rate changes neither recounts 2,000 rows nor re-renders the sidebar.
  const counts = useApp((s) => s.statusCounts);
  const current = useApp((s) => s.statusFilter);
  return (
    <nav className="sidebar" aria-label="Filter by status">
      <div className="sidebar-title">Status</div>
      {FILTERS.map(([f, label]) => (
        <button key={f} type="button" className={`sidebar-item${current === f ? ' active' : ''}${f === 'error' && counts[f] > 0 ? ' has-errors' : ''}`}
          aria-pressed={current === f} onClick={() => setStatusFilter(store, f)}>
          <span>{label}</span><span className="count">{counts[f]}</span>
        </button>
      ))}
    </nav>
  );
}
