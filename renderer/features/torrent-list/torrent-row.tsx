import { memo, type MouseEvent, type ReactNode } from 'react';
import { useApp, useAppStore } from '../../app-context.tsx';
import { clickRow, contextSelect, openContextMenu } from '../../store/actions.ts';
import { COLUMNS } from './columns.tsx';

/**
 * One row. It subscribes to its own torrent and its own selected flag only: an update that
 * changes 50 of 2,000 rows re-renders those 50 (unchanged rows keep their object identity).
 */
export const TorrentRow = memo(function TorrentRow({ id, top, height, odd }: { id: string; top: number; height: number; odd: boolean }): ReactNode {
  const store = useAppStore();
  const t = useApp((s) => s.torrents.get(id));
  const selected = useApp((s) => s.selected.has(id));
  const focused = useApp((s) => s.focused === id);
  if (!t) return null;
  const onMouseDown = (e: MouseEvent): void => {
    if (e.button !== 0) return;
    clickRow(store, id, { toggle: e.ctrlKey || e.metaKey, range: e.shiftKey });
  };
  const onContextMenu = (e: MouseEvent): void => {
    e.preventDefault();
    contextSelect(store, id);
    openContextMenu(store, e.clientX, e.clientY);
  };
  return (
    <div role="row" aria-selected={selected} data-id={id}
      className={`list-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}${odd ? ' odd' : ''}${t.error !== undefined ? ' has-error' : ''}`}
      style={{ transform: `translateY(${top}px)`, height }} onMouseDown={onMouseDown} onContextMenu={onContextMenu}>
      {COLUMNS.map((c) => <div key={c.key} role="gridcell" className={`cell${c.align ? ` align-${c.align}` : ''}`}>{c.cell(t)}</div>)}
    </div>
  );
});
