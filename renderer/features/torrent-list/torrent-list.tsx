// The virtualised torrent list: only the rows in view (plus a few) exist in the DOM, so 2,000 or
// 20,000 torrents cost the same per frame.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useApp, useAppStore } from '../../app-context.tsx';
import { clearSelection, moveFocus, openDialog, selectAll, selectedIds, sortBy } from '../../store/actions.ts';
import { COLUMNS, GRID_TEMPLATE } from './columns.tsx';
import { TorrentRow } from './torrent-row.tsx';

export const ROW_HEIGHT = 26;

function Header(): ReactNode {
  const store = useAppStore();
  const sort = useApp((s) => s.uiSettings.sort);
  return (
    <div className="list-header" role="row">
      {COLUMNS.map((c) => (
        <button key={c.key} type="button" role="columnheader" className={`cell header-cell${c.align ? ` align-${c.align}` : ''}`}
          aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'} onClick={() => sortBy(store, c.key)}>
          {c.label}{sort.key === c.key && <span className="sort-mark">{sort.desc ? '▾' : '▴'}</span>}
        </button>
      ))}
    </div>
  );
}

export function TorrentList({ onAddFile }: { onAddFile: () => void }): ReactNode {
  const store = useAppStore();
  const view = useApp((s) => s.view);
  const total = useApp((s) => s.torrents.size);
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: view.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => view[i] ?? i,
  });

  const onKeyDown = (e: KeyboardEvent): void => {
    const mod = e.ctrlKey || e.metaKey;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      moveFocus(store, e.key === 'ArrowDown' ? 1 : -1, e.shiftKey);
      const f = store.getState().focused;
      const idx = f === null ? -1 : store.getState().view.indexOf(f);
      if (idx >= 0) v.scrollToIndex(idx, { align: 'auto' });
    } else if (mod && e.key.toLowerCase() === 'a') {
      e.preventDefault(); selectAll(store);
    } else if (e.key === 'Delete') {
      const ids = selectedIds(store.getState());
      if (ids.length) openDialog(store, { kind: 'remove', ids });
    } else if (e.key === 'Escape') {
      clearSelection(store);
    }
  };

  return (
    <div className="torrent-list" role="grid" aria-rowcount={view.length} aria-label="Torrents" tabIndex={0} onKeyDown={onKeyDown}
      style={{ ['--grid-cols' as string]: GRID_TEMPLATE }}>
      <Header />
      <div className="list-scroll" ref={scrollRef} onMouseDown={(e) => { if (e.target === e.currentTarget) clearSelection(store); }}>
        {view.length === 0 && (
          <div className="list-empty">
            {total === 0
              ? <><p>No torrents yet.</p><p>Drop .torrent files or a magnet link anywhere, paste a magnet link, or <button type="button" className="link-button" onClick={onAddFile}>choose a file</button>.</p></>
              : <p>No torrent matches the filter.</p>}
          </div>
        )}
        <div className="list-body" style={{ height: v.getTotalSize() }}>
          {v.getVirtualItems().map((item) => {
            const id = view[item.index];
            return id === undefined ? null
              : <TorrentRow key={id} id={id} top={item.start} height={ROW_HEIGHT} odd={item.index % 2 === 1} />;
          })}
        </div>
      </div>
    </div>
  );
}
