import type { ReactNode } from 'react';
import type { TrackerSummary } from '../../../shared/snapshot.ts';
import { plainError } from '../../store/plain-errors.ts';

function when(ms: number): string {
  if (!ms) return '';
  const s = Math.max(0, Math.round((ms - Date.now()) / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}

export function TrackersTab({ trackers }: { trackers: readonly TrackerSummary[] }): ReactNode {
  if (trackers.length === 0) return <div className="tab-empty">This torrent has no trackers.</div>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <thead><tr><th>Tier</th><th>URL</th><th>Status</th><th className="num">Seeds</th><th className="num">Leechers</th><th className="num">Peers got</th><th className="num">Next</th><th>Message</th></tr></thead>
        <tbody>
          {trackers.map((t) => {
            const msg = t.lastError ?? t.lastWarning;
            return (
              <tr key={`${t.tier}:${t.url}`} className={t.status === 'error' ? 'row-error' : ''}>
                <td className="num">{t.tier}</td>
                <td className="mono" title={t.url}>{t.url}</td>
                <td>{t.status}</td>
                <td className="num">{t.seeders ?? ''}</td>
                <td className="num">{t.leechers ?? ''}</td>
                <td className="num">{t.peersReceived}</td>
                <td className="num">{when(t.nextAnnounce)}</td>
                <td title={msg}>{msg !== undefined ? plainError(msg).message : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
