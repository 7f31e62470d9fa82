import type { ReactNode } from 'react';
import type { TorrentSummary } from '../../../shared/snapshot.ts';
import { formatBytes, formatDate, formatEta, formatPercent, formatRate, formatRatio } from '../../lib/format.ts';
import { plainError } from '../../store/plain-errors.ts';
import { statusText } from '../torrent-list/columns.tsx';

export function GeneralTab({ t }: { t: TorrentSummary }): ReactNode {
  const err = t.error !== undefined ? plainError(t.error) : null;
  const rows: Array<[string, ReactNode]> = [
    ['Status', statusText(t)], ['Progress', formatPercent(t.progress)],
    ['Size', `${formatBytes(t.doneBytes)} of ${formatBytes(t.totalSize)}`],
    ['Pieces', `${t.pieceCount.toLocaleString('en-US')} × ${formatBytes(t.pieceLength)}`],
    ['Downloaded', formatBytes(t.downloaded)], ['Uploaded', formatBytes(t.uploaded)], ['Ratio', formatRatio(t.ratio)],
    ['Down / up', `${formatRate(t.downRate) || '0 B/s'} / ${formatRate(t.upRate) || '0 B/s'}`],
    ['Peers', `${t.peers} peers, ${t.seeds} seeds`], ['ETA', t.progress >= 1 ? 'done' : formatEta(t.eta)],
    ['Save path', <span className="mono">{t.savePath}</span>], ['Added', formatDate(t.addedAt)],
    ['Info-hash', <span className="mono">{t.id}</span>],
  ];
  return (
    <div className="general-tab">
      {err && <div className="inline-error" role="alert"><strong>{err.message}</strong>{err.detail !== undefined && <code>{err.detail}</code>}</div>}
      <dl className="info-grid">{rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
    </div>
  );
}
