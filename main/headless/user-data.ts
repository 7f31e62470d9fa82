// Where Tessera keeps its settings, torrent list, resume data and headless token. Matches
// Electron's app.getPath('userData') for productName "Tessera", so the desktop app and
// `tessera serve` share one folder. TESSERA_USER_DATA overrides it (tests, portable installs).
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.TESSERA_USER_DATA) return env.TESSERA_USER_DATA;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tessera');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tessera');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Tessera');
}

export function defaultDownloadDir(): string {
  return join(homedir(), 'Downloads');
}
