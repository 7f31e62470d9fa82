import type { ReactNode } from 'react';
import { formatBytes, formatEta, formatPercent, formatRate } from '../../lib/format.ts';
import type { JobProgress } from './job-meter.ts';

/** The progress bar of a running job, with bytes done, rate and time left. */
export function JobProgressBar({ label, progress }: { label: string; progress: JobProgress | null }): ReactNode {
  const pct = progress ? progress.fraction * 100 : 0;
  return (
    <div className="job-progress">
      <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
        <div className="progress-fill" style={{ width: `${pct}%` }} />
        <span className="progress-text">{progress ? formatPercent(progress.fraction) : 'Starting…'}</span>
      </div>
      <p className="muted job-figures">
        {progress ? `${formatBytes(progress.done)} of ${formatBytes(progress.total)}` : ''}
        {progress && progress.rate > 0 ? ` · ${formatRate(progress.rate)}` : ''}
        {progress && progress.eta > 0 ? ` · ${formatEta(progress.eta)} left` : ''}
      </p>
    </div>
  );
}
