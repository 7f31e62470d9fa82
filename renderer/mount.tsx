// Mount the app against a TesseraApi: one store, wired to the API's events, UI settings loaded
// from and saved to localStorage. Used by main.tsx (the real bridge) and by the benchmark page.
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { TesseraApi } from '../shared/contract.ts';
import { App } from './app.tsx';
import { AppProvider } from './app-context.tsx';
import { connectStore, syncFocusToEngine } from './store/connect.ts';
import { createController } from './store/controller.ts';
import { createAppStore, type AppStore } from './store/state.ts';
import { loadUiSettings, saveUiSettings } from './store/ui-settings.ts';

export interface Mounted { store: AppStore; root: Root; unmount(): void }

function storage(): Storage | undefined {
  try { return window.localStorage; } catch { return undefined; }
}

export function mountApp(container: HTMLElement, api: TesseraApi, opts: { strict?: boolean } = {}): Mounted {
  const store = createAppStore(loadUiSettings(storage()));
  const controller = createController(api, store);
  const offEvents = connectStore(api, store);
  const offFocus = syncFocusToEngine(api, store);
  const offSave = store.subscribe((s, prev) => { if (s.uiSettings !== prev.uiSettings) saveUiSettings(storage(), s.uiSettings); });
  void controller.loadSettings();
  const root = createRoot(container);
  const app = <AppProvider store={store} controller={controller}><App /></AppProvider>;
  root.render(opts.strict === false ? app : <StrictMode>{app}</StrictMode>);
  return { store, root, unmount() { offEvents(); offFocus(); offSave(); root.unmount(); } };
}
