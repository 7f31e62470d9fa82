import { memo, type ReactNode } from 'react';
import type { TorrentStatus } from '../../shared/snapshot.ts';
import { formatPercent } from '../lib/format.ts';

/** A CSS progress bar (no canvas: thousands of rows, each a div whose width changes). */
export const ProgressBar = memo(function ProgressBar({ value, status }: { value: number; status?: TorrentStatus }): ReactNode {
  const pct = Math.max(0, Math.min(1, value)) * 100;
  return (
    <div className={`progress progress-${status ?? 'downloading'}`} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
      <span className="progress-text">{formatPercent(value)}</span>
    </div>
  );
});
