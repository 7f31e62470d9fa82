import { type ReactNode } from 'react';
import { useApp, useAppStore, useController } from '../app-context.tsx';
import { openDialog, selectedIds, setFilterText, setTheme } from '../store/actions.ts';
import type { ThemeChoice } from '../store/ui-settings.ts';
import { Icon, type IconName } from './icons.tsx';

function ToolButton(props: { icon: IconName; label: string; onClick: () => void; disabled?: boolean; title?: string }): ReactNode {
  return (
    <button type="button" className="tool-button" onClick={props.onClick} disabled={props.disabled} title={props.title ?? props.label}>
      <Icon name={props.icon} size={18} />
      <span>{props.label}</span>
    </button>
  );
}

const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

export function Toolbar({ onAddFile }: { onAddFile: () => void }): ReactNode {
  const store = useAppStore();
  const c = useController();
  const count = useApp((s) => s.selected.size);
  const focused = useApp((s) => s.focused);
  const filterText = useApp((s) => s.filterText);
  const theme = useApp((s) => s.uiSettings.theme);
  const none = count === 0;
  return (
    <header className="toolbar" role="toolbar" aria-label="Torrent actions">
      <ToolButton icon="file" label="Add file" onClick={onAddFile} title="Add .torrent files (or drop them anywhere)" />
      <ToolButton icon="magnet" label="Add magnet" onClick={() => openDialog(store, { kind: 'magnet' })} title="Add a magnet link (or paste one anywhere)" />
      <ToolButton icon="create" label="Create" onClick={() => openDialog(store, { kind: 'create' })} title="Create a .torrent from files or a folder" />
      <ToolButton icon="verify" label="Verify" onClick={() => openDialog(store, focused ? { kind: 'verify', id: focused } : { kind: 'verify' })} title="Verify downloaded data against a torrent" />
      <span className="toolbar-sep" />
      <ToolButton icon="play" label="Resume" disabled={none} onClick={() => void c.resume()} />
      <ToolButton icon="pause" label="Pause" disabled={none} onClick={() => void c.pause()} />
      <ToolButton icon="remove" label="Remove" disabled={none} onClick={() => openDialog(store, { kind: 'remove', ids: selectedIds(store.getState()) })} />
      <span className="toolbar-sep" />
      <ToolButton icon="folder" label="Open folder" disabled={focused === null} onClick={() => { if (focused) void c.openFolder(focused); }} />
      <ToolButton icon="link" label="Copy magnet" disabled={none} onClick={() => void c.copyMagnet()} />
      <span className="toolbar-fill" />
      <label className="search">
        <Icon name="search" size={14} />
        <input type="search" placeholder="Filter torrents" value={filterText} aria-label="Filter torrents by name"
          onChange={(e) => setFilterText(store, e.target.value)} />
      </label>
      <button type="button" className="tool-button icon-only" title="Settings" aria-label="Settings" onClick={() => openDialog(store, { kind: 'settings' })}>
        <Icon name="settings" size={18} />
      </button>
      <button type="button" className="tool-button icon-only" title={`Theme: ${theme} (click for ${NEXT_THEME[theme]})`}
        onClick={() => setTheme(store, NEXT_THEME[theme])}>
        <Icon name="theme" size={18} />
      </button>
    </header>
  );
}
