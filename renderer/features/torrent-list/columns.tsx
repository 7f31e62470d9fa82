// The list's columns, shared by the header and every row (one CSS grid template).
import type { ReactNode } from 'react';
import type { TorrentStatus, TorrentSummary } from '../../../shared/snapshot.ts';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { formatBytes, formatDate, formatEta, formatRate, formatRatio } from '../../lib/format.ts';
import type { SortKey } from '../../store/view.ts';

export interface Column {
  key: SortKey;
  label: string;
  /** CSS grid track. */
  width: string;
  align?: 'right' | 'center';
  cell(t: TorrentSummary): ReactNode;
}

export const STATUS_LABEL: Record<TorrentStatus, string> = {
  checking: 'Checking', metadata: 'Fetching metadata', downloading: 'Downloading', seeding: 'Seeding',
  paused: 'Paused', completed: 'Completed', error: 'Error',
};

export function statusText(t: TorrentSummary): string {
  if (t.status === 'downloading' && t.downRate === 0 && t.peers + t.seeds === 0) return 'Stalled';
  return STATUS_LABEL[t.status];
}

export const COLUMNS: readonly Column[] = [
  { key: 'name', label: 'Name', width: 'minmax(220px, 1fr)', cell: (t) => <span className="cell-name" title={t.name}>{t.name}</span> },
  { key: 'size', label: 'Size', width: '90px', align: 'right', cell: (t) => formatBytes(t.totalSize) },
  { key: 'progress', label: 'Progress', width: '140px', cell: (t) => <ProgressBar value={t.progress} status={t.status} /> },
  {
    key: 'status', label: 'Status', width: '130px',
    cell: (t) => <span className={`status status-${t.status}`} title={t.error ?? STATUS_LABEL[t.status]}>{statusText(t)}</span>,
  },
  { key: 'downRate', label: 'Down', width: '92px', align: 'right', cell: (t) => formatRate(t.downRate) },
  { key: 'upRate', label: 'Up', width: '92px', align: 'right', cell: (t) => formatRate(t.upRate) },
  { key: 'peers', label: 'Peers (seeds)', width: '110px', align: 'right', cell: (t) => `${t.peers} (${t.seeds})` },
  { key: 'eta', label: 'ETA', width: '72px', align: 'right', cell: (t) => (t.progress >= 1 ? '' : formatEta(t.eta)) },
  { key: 'ratio', label: 'Ratio', width: '56px', align: 'right', cell: (t) => formatRatio(t.ratio) },
  { key: 'addedAt', label: 'Added', width: '134px', align: 'right', cell: (t) => formatDate(t.addedAt) },
];

export const GRID_TEMPLATE = COLUMNS.map((c) => c.width).join(' ');
