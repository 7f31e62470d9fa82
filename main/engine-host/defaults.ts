// First-run settings, used until the user changes them (the saved file then wins). The engine's
// own defaults come from the Session (one source of truth); the app adds its UI-only fields.
import type { Settings } from '../../shared/contract.ts';
import { DEFAULT_SETTINGS } from '../engine/session.ts';

export function defaultSettings(downloadDir: string): Settings {
  return {
    ...DEFAULT_SETTINGS,
    downloadDir,
    theme: 'system',
    // On for users, as in qBittorrent and Transmission; tests and e2e turn it off per run (noDht).
    dht: true,
    dhtBootstrap: [],
  };
}
