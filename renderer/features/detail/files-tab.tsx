// Files: a virtualised table of the rows in view (plus a few), between two spacer rows that keep
// the scroll height. The rows come from the engine a page at a time (torrent:files), asked again
// at each detail update and whenever the rows in view change, so a torrent of 50,000 files costs
// what one of three does: the whole list in every 4 Hz detail, all rows in the DOM, froze the page.
// Fixed column widths: the rows in view change while scrolling, and must not resize the columns.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { MAX_FILES_PAGE, type FilePriority, type FileSummary } from '../../../shared/snapshot.ts';
import { useController } from '../../app-context.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { formatBytes } from '../../lib/format.ts';

const PRIORITIES: readonly FilePriority[] = ['skip', 'low', 'normal', 'high'];
/** A row's height before it is measured (a priority select sets it). */
const ROW_HEIGHT = 26;
/** The sticky header above the first row. */
const HEADER_HEIGHT = 25;
/** Rows asked for before the list's length is known. */
const FIRST_PAGE = 64;

interface Page { id: string; total: number; from: number; files: FileSummary[] }

/** `update`: the torrent's latest detail; each new one refreshes the rows in view. */
export function FilesTab({ id, update }: { id: string; update: unknown }): ReactNode {
  const c = useController();
  const [page, setPage] = useState<Page | null>(null);
  const asked = useRef(0);
  const shown = useRef(0);
  const current = page !== null && page.id === id ? page : null;
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: current?.total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    paddingStart: HEADER_HEIGHT,
    overscan: 10,
  });
  const items = v.getVirtualItems();
  const from = items[0]?.index ?? 0;
  const count = current === null ? FIRST_PAGE : Math.min(MAX_FILES_PAGE, items.length);

  useEffect(() => {
    // The newest answer wins; an older one arriving late is dropped (none is cancelled: under load
    // an answer may take longer than the next update, and cancelling would show nothing at all).
    const n = ++asked.current;
    void c.files(id, from, count).then((p) => {
      if (n < shown.current) return;
      shown.current = n;
      setPage(p === null ? { id, total: 0, from: 0, files: [] } : { id, from, ...p });
    });
  }, [c, id, from, count, update]);

  if (current === null) return <div className="tab-empty">Loading…</div>;
  if (current.total === 0) return <div className="tab-empty">No file list yet (fetching metadata).</div>;
  const above = (items[0]?.start ?? HEADER_HEIGHT) - HEADER_HEIGHT;
  const below = v.getTotalSize() - (items[items.length - 1]?.end ?? HEADER_HEIGHT);
  return (
    <div className="table-scroll" ref={scrollRef}>
      <table className="data-table files-table" aria-rowcount={current.total + 1}>
        <thead><tr aria-rowindex={1}><th>Path</th><th className="num">Size</th><th>Progress</th><th>Priority</th></tr></thead>
        <tbody>
          {above > 0 && <tr aria-hidden="true" style={{ height: above }} />}
          {items.map((item) => {
            const f = current.files[item.index - current.from];
            // A row scrolled into view before its page arrived: a blank of the same height.
            if (f === undefined) return <tr key={`row-${item.index}`} data-index={item.index} aria-rowindex={item.index + 2} style={{ height: ROW_HEIGHT }}><td colSpan={4} /></tr>;
            return (
              <tr key={f.index} data-index={item.index} ref={v.measureElement} aria-rowindex={item.index + 2}>
                <td title={f.path}>{f.path}</td>
                <td className="num">{formatBytes(f.length)}</td>
                <td><ProgressBar value={f.length ? f.doneBytes / f.length : 1} /></td>
                <td>
                  <select value={f.priority} aria-label={`Priority of ${f.path}`}
                    onChange={(e) => void c.setFilePriority(id, f.index, e.target.value as FilePriority)}>
                    {PRIORITIES.map((p) => <option key={p} value={p}>{p === 'skip' ? "Don't download" : p[0]!.toUpperCase() + p.slice(1)}</option>)}
                  </select>
                </td>
              </tr>
            );
          })}
          {below > 0 && <tr aria-hidden="true" style={{ height: below }} />}
        </tbody>
      </table>
    </div>
  );
}
