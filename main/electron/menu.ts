// The application menu. Actions that need no dialog in the page go straight to the engine
// through the same validated commands; the rest are standard Electron roles.
import { app, clipboard, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { EngineClient } from '../engine-host/engine-client.ts';
import { MAIN_CLIENT, openRequests } from './open-requests.ts';

export interface MenuDeps {
  engine: EngineClient;
  window(): BrowserWindow | undefined;
  report(message: string): void;
}

export function buildMenu(deps: MenuDeps): Menu {
  const { engine } = deps;
  const allIds = (): string[] => engine.fullList().changed.map((s) => s.id);
  const isMac = process.platform === 'darwin';

  const addFiles = async (): Promise<void> => {
    const win = deps.window();
    const opts = { title: 'Add torrent files', properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'>,
      filters: [{ name: 'Torrent files', extensions: ['torrent'] }] };
    const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
    if (!r.canceled) await openRequests(engine, { torrentFiles: r.filePaths, magnets: [] }, deps.report);
  };
  const addMagnetFromClipboard = async (): Promise<void> => {
    const text = clipboard.readText().trim();
    if (!/^magnet:\?/i.test(text)) { deps.report('The clipboard holds no magnet: link.'); return; }
    await openRequests(engine, { torrentFiles: [], magnets: [text] }, deps.report);
  };
  const all = (command: 'torrent:pause' | 'torrent:resume') => async (): Promise<void> => {
    const ids = allIds();
    if (ids.length) {
      const r = await engine.invoke(MAIN_CLIENT, command, { ids });
      if (!r.ok) deps.report(r.error.message);
    }
  };

  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Add Torrent File…', accelerator: 'CmdOrCtrl+O', click: () => void addFiles() },
        { label: 'Add Magnet Link from Clipboard', accelerator: 'CmdOrCtrl+Shift+V', click: () => void addMagnetFromClipboard() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', accelerator: 'CmdOrCtrl+Q' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&Torrents',
      submenu: [
        { label: 'Pause All', accelerator: 'CmdOrCtrl+Shift+P', click: () => void all('torrent:pause')() },
        { label: 'Resume All', accelerator: 'CmdOrCtrl+Shift+R', click: () => void all('torrent:resume')() },
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ role: 'about' }] },
  ];
  return Menu.buildFromTemplate(template);
}
