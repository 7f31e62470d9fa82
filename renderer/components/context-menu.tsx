import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useApp, useAppStore, useController } from '../app-context.tsx';
import { closeContextMenu, openDialog, selectedIds } from '../store/actions.ts';

/** The torrent list's right-click menu. Closes on Escape, outside click, scroll or blur. */
export function ContextMenu(): ReactNode {
  const store = useAppStore();
  const c = useController();
  const menu = useApp((s) => s.contextMenu);
  const focused = useApp((s) => s.focused);
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<{ x: number; y: number } | null>(null);

  useLayoutEffect(() => {
    if (!menu || !ref.current) { setPos(null); return; }
    // Keep the menu inside the window.
    const r = ref.current.getBoundingClientRect();
    setPos({ x: Math.min(menu.x, window.innerWidth - r.width - 4), y: Math.min(menu.y, window.innerHeight - r.height - 4) });
  }, [menu]);

  useEffect(() => {
    if (!menu) return;
    const close = (): void => closeContextMenu(store);
    const onDown = (e: MouseEvent): void => { if (!ref.current?.contains(e.target as Node)) close(); };
    const onKey = (e: KeyboardEvent): void => { if (e.key === 'Escape') close(); };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    window.addEventListener('blur', close);
    window.addEventListener('wheel', close, { passive: true });
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('blur', close);
      window.removeEventListener('wheel', close);
    };
  }, [menu, store]);

  if (!menu) return null;
  const act = (f: () => void) => () => { closeContextMenu(store); f(); };
  const ids = (): string[] => selectedIds(store.getState());
  return (
    <div ref={ref} className="context-menu" role="menu" style={{ left: pos?.x ?? menu.x, top: pos?.y ?? menu.y, visibility: pos ? 'visible' : 'hidden' }}>
      <button role="menuitem" onClick={act(() => void c.resume())}>Resume</button>
      <button role="menuitem" onClick={act(() => void c.pause())}>Pause</button>
      <hr />
      <button role="menuitem" onClick={act(() => openDialog(store, { kind: 'remove', ids: ids() }))}>Remove…</button>
      <button role="menuitem" onClick={act(() => void c.remove(ids(), true))}>Remove with data</button>
      <hr />
      <button role="menuitem" disabled={focused === null} onClick={act(() => { if (focused) void c.openFolder(focused); })}>Open folder</button>
      <button role="menuitem" onClick={act(() => void c.copyMagnet())}>Copy magnet link</button>
      <button role="menuitem" disabled={focused === null} onClick={act(() => { if (focused) void c.recheck(focused); })}>Force recheck</button>
    </div>
  );
}
