// Filter + sort of the torrent list: pure, so it is tested without React and recomputed only in
// actions (when rows, sort or filter change), never in a render.
import type { TorrentSummary } from '../../shared/snapshot.ts';
import type { StatusFilter } from './state.ts';

export type SortKey = 'name' | 'size' | 'progress' | 'status' | 'downRate' | 'upRate' | 'peers' | 'eta' | 'ratio' | 'addedAt';
export interface SortSpec { key: SortKey; desc: boolean }

const STATUS_ORDER: Record<TorrentSummary['status'], number> = {
  error: 0, checking: 1, metadata: 2, downloading: 3, seeding: 4, completed: 5, paused: 6,
};

function cmp(a: TorrentSummary, b: TorrentSummary, key: SortKey): number {
  switch (key) {
    case 'name': return a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });
    case 'size': return a.totalSize - b.totalSize;
    case 'progress': return a.progress - b.progress;
    case 'status': return STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    case 'downRate': return a.downRate - b.downRate;
    case 'upRate': return a.upRate - b.upRate;
    case 'peers': return a.peers + a.seeds - (b.peers + b.seeds);
    // Unknown ETA (-1) sorts after every known one.
    case 'eta': return (a.eta < 0 ? Infinity : a.eta) - (b.eta < 0 ? Infinity : b.eta) || 0;
    case 'ratio': return a.ratio - b.ratio;
    case 'addedAt': return a.addedAt - b.addedAt;
  }
}

export function matchesStatus(t: TorrentSummary, f: StatusFilter): boolean {
  switch (f) {
    case 'all': return true;
    case 'downloading': return t.status === 'downloading' || t.status === 'metadata' || t.status === 'checking';
    case 'seeding': return t.status === 'seeding';
    case 'completed': return t.progress >= 1;
    case 'paused': return t.status === 'paused';
    case 'active': return t.downRate > 0 || t.upRate > 0;
    case 'error': return t.status === 'error' || t.error !== undefined;
  }
}

export function computeView(
  torrents: ReadonlyMap<string, TorrentSummary>, sort: SortSpec, filterText: string, status: StatusFilter,
  previous: readonly string[] = [],
): readonly string[] {
  const needle = filterText.trim().toLowerCase();
  const rows: TorrentSummary[] = [];
  for (const t of torrents.values()) {
    if (!matchesStatus(t, status)) continue;
    if (needle && !t.name.toLowerCase().includes(needle)) continue;
    rows.push(t);
  }
  const sign = sort.desc ? -1 : 1;
  // Ties break on name then id so the order is stable across updates (rows do not jump).
  rows.sort((a, b) => sign * cmp(a, b, sort.key) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = rows.map((r) => r.id);
  return sameIds(ids, previous) ? previous : ids;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether replacing `before` by `after` can move the row in, out of, or within the view. Most
 * updates only change rates and byte counts; when the list is sorted by something else (name,
 * date added…) the 2,000-row re-sort is skipped.
 */
export function movesInView(before: TorrentSummary | undefined, after: TorrentSummary, sort: SortSpec, status: StatusFilter): boolean {
  if (!before) return true;
  // Names count for every sort (the tie-break) and for the text filter.
  if (before.name !== after.name) return true;
  if (matchesStatus(before, status) !== matchesStatus(after, status)) return true;
  return cmp(before, after, sort.key) !== 0;
}

export const STATUS_FILTERS: readonly StatusFilter[] = ['all', 'downloading', 'seeding', 'completed', 'paused', 'active', 'error'];
export type StatusCounts = Readonly<Record<StatusFilter, number>>;

export function countStatuses(torrents: Iterable<TorrentSummary>): StatusCounts {
  const c: Record<StatusFilter, number> = { all: 0, downloading: 0, seeding: 0, completed: 0, paused: 0, active: 0, error: 0 };
  for (const t of torrents) for (const f of STATUS_FILTERS) if (matchesStatus(t, f)) c[f]++;
  return c;
}

/**
 * The sidebar counts after rows change, from the rows that changed only (`before` undefined: a
 * new row; `after` undefined: a removed one). Returns `counts` itself when no count moved, so the
 * sidebar does not re-render for a tick of rate changes.
 */
export function updateStatusCounts(
  counts: StatusCounts, changes: Iterable<readonly [TorrentSummary | undefined, TorrentSummary | undefined]>,
): StatusCounts {
  let next: Record<StatusFilter, number> | null = null;
  for (const [before, after] of changes) {
    if (before === after) continue;
    for (const f of STATUS_FILTERS) {
      const d = (after !== undefined && matchesStatus(after, f) ? 1 : 0) - (before !== undefined && matchesStatus(before, f) ? 1 : 0);
      if (d !== 0) { next ??= { ...counts }; next[f] += d; }
    }
  }
  return next ?? counts;
}
