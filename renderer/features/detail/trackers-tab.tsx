import { useState, type FormEvent, type ReactNode } from 'react';
import type { TrackerSummary } from '../../../shared/snapshot.ts';
import { useController } from '../../app-context.tsx';
import { plainError } from '../../store/plain-errors.ts';

function when(ms: number): string {
  if (!ms) return '';
  const s = Math.max(0, Math.round((ms - Date.now()) / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}

function ago(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m ago` : `${s}s ago`;
}

/** A torrent's trackers (BEP 12 tiers) with scrape counts, plus add and remove. */
export function TrackersTab({ id, trackers }: { id: string; trackers: readonly TrackerSummary[] }): ReactNode {
  const c = useController();
  const [url, setUrl] = useState('');
  // '' = a new last tier; otherwise the tier number as text.
  const [tier, setTier] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tierCount = trackers.reduce((n, t) => Math.max(n, t.tier + 1), 0);

  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const p = await c.addTracker(id, url, tier === '' ? undefined : Number(tier));
    setBusy(false);
    setProblem(p);
    if (p === null) setUrl('');
  };
  const remove = async (u: string): Promise<void> => {
    setProblem(await c.removeTracker(id, u));
  };

  return (
    <div className="trackers-tab">
      <form className="tracker-add" onSubmit={(e) => void add(e)} aria-label="Add a tracker">
        <input type="text" value={url} onChange={(e) => { setUrl(e.target.value); setProblem(null); }} spellCheck={false}
          placeholder="udp://tracker.example.org:6969/announce" aria-label="Tracker address" />
        <select value={tier} onChange={(e) => setTier(e.target.value)} aria-label="Tier of the new tracker">
          {Array.from({ length: tierCount }, (_, i) => <option key={i} value={String(i)}>Tier {i}</option>)}
          <option value="">New tier</option>
        </select>
        <button type="submit" className="tool-button" disabled={busy}>Add tracker</button>
      </form>
      {problem !== null ? <p className="form-problem" role="alert">{problem}</p> : null}
      {trackers.length === 0 ? <div className="tab-empty">This torrent has no trackers.</div> : (
        <div className="table-scroll">
          <table className="data-table">
            <thead><tr><th>Tier</th><th>URL</th><th>Status</th><th className="num">Seeds</th><th className="num">Leechers</th><th className="num">Downloaded</th><th>Scraped</th><th className="num">Peers got</th><th className="num">Next</th><th>Message</th><th><span className="sr-only">Remove</span></th></tr></thead>
            <tbody>
              {trackers.map((t) => {
                const msg = t.lastError ?? t.lastWarning;
                return (
                  <tr key={`${t.tier}:${t.url}`} className={t.status === 'error' ? 'row-error' : ''} data-tracker={t.url}>
                    <td className="num">{t.tier}</td>
                    <td className="mono" title={t.url}>{t.url}</td>
                    <td>{t.status}</td>
                    <td className="num" data-col="seeders">{t.seeders ?? ''}</td>
                    <td className="num" data-col="leechers">{t.leechers ?? ''}</td>
                    <td className="num" data-col="downloaded">{t.downloaded ?? ''}</td>
                    <td data-col="scraped" title={t.scrapedAt !== undefined ? new Date(t.scrapedAt).toLocaleString() : 'not scraped yet'}>{ago(t.scrapedAt)}</td>
                    <td className="num">{t.peersReceived}</td>
                    <td className="num">{when(t.nextAnnounce)}</td>
                    <td title={msg}>{msg !== undefined ? plainError(msg).message : ''}</td>
                    <td>
                      <button type="button" className="tool-button icon-only" aria-label={`Remove tracker ${t.url}`} title="Remove this tracker"
                        onClick={() => void remove(t.url)}>✕</button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
