// The main window: toolbar, status sidebar + virtualised list, detail tabs, status bar; toasts,
// context menu, dialogs and the window-wide drop zone on top.
import { useEffect, useRef, type ReactNode } from 'react';
import { useApp, useAppStore } from './app-context.tsx';
import { ContextMenu } from './components/context-menu.tsx';
import { StatusBar } from './components/status-bar.tsx';
import { Toasts } from './components/toasts.tsx';
import { Toolbar } from './components/toolbar.tsx';
import { DropZone } from './features/add-torrent/drop-zone.tsx';
import { TorrentFileInput } from './features/add-torrent/file-input.tsx';
import { MagnetDialog } from './features/add-torrent/magnet-dialog.tsx';
import { RemoveDialog } from './features/add-torrent/remove-dialog.tsx';
import { CreateTorrentDialog } from './features/create-torrent/create-dialog.tsx';
import { DetailPane } from './features/detail/detail-pane.tsx';
import { SettingsDialog } from './features/settings/settings-dialog.tsx';
import { useSpeedRecorder } from './features/speed/speed-recorder.ts';
import { VerifyDialog } from './features/verify/verify-dialog.tsx';
import { StatusFilter } from './features/torrent-list/status-filter.tsx';
import { TorrentList } from './features/torrent-list/torrent-list.tsx';
import { resolvedTheme, setSystemDark } from './store/actions.ts';
import './styles/theme.css';
import './styles/app.css';

function useTheme(): void {
  const store = useAppStore();
  const theme = useApp(resolvedTheme);
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    setSystemDark(store, mq.matches);
    const on = (e: MediaQueryListEvent): void => setSystemDark(store, e.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [store]);
  // Applied in render order before children's effects read the CSS palette.
  if (typeof document !== 'undefined') document.documentElement.dataset['theme'] = theme;
}

function Dialogs(): ReactNode {
  const dialog = useApp((s) => s.dialog);
  if (!dialog) return null;
  if (dialog.kind === 'magnet') return <MagnetDialog />;
  if (dialog.kind === 'remove') return <RemoveDialog ids={dialog.ids} />;
  if (dialog.kind === 'create') return <CreateTorrentDialog />;
  if (dialog.kind === 'verify') return <VerifyDialog {...(dialog.id !== undefined ? { initialId: dialog.id } : {})} />;
  if (dialog.kind === 'settings') return <SettingsDialog />;
  return null;
}

export function App(): ReactNode {
  useTheme();
  useSpeedRecorder();
  const fileInput = useRef<HTMLInputElement>(null);
  const openFile = (): void => fileInput.current?.click();
  return (
    <div className="app">
      <Toolbar onAddFile={openFile} />
      <div className="main-area">
        <StatusFilter />
        <div className="content">
          <TorrentList onAddFile={openFile} />
          <DetailPane />
        </div>
      </div>
      <StatusBar />
      <TorrentFileInput ref={fileInput} />
      <ContextMenu />
      <Dialogs />
      <Toasts />
      <DropZone />
    </div>
  );
}
