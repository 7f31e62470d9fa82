// First-run settings, used until the user changes them (the saved file then wins).
import type { Settings } from '../../shared/contract.ts';

export function defaultSettings(downloadDir: string): Settings {
  return {
    downloadDir,
    listenPort: 6881,
    maxConnections: 200,
    maxConnectionsPerTorrent: 50,
    maxUploadRate: 0,
    maxDownloadRate: 0,
    seedRatioLimit: 0,
    seedTimeLimit: 0,
    startPaused: false,
    theme: 'system',
    // On for users, as in qBittorrent and Transmission; tests and e2e turn it off per run (noDht).
    dht: true,
    dhtBootstrap: [],
  };
}
