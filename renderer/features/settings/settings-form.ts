// The Settings dialog's fields as text (what the inputs hold) and back to a settings:set patch:
// rates in KiB/s (0 = unlimited), seeding time in minutes. Pure; tested.
import type { Settings } from '../../../shared/contract.ts';
import { dhtBootstrapNode, MAX_DHT_BOOTSTRAP } from '../../../shared/validate.ts';

export interface SettingsFields {
  downloadDir: string;
  listenPort: string;
  maxConnections: string;
  maxConnectionsPerTorrent: string;
  maxDownloadKiB: string;
  maxUploadKiB: string;
  seedRatioLimit: string;
  seedTimeMinutes: string;
  startPaused: boolean;
  theme: Settings['theme'];
  dht: boolean;
  /** host:port nodes separated by spaces, commas or new lines; empty = the public routers. */
  dhtBootstrap: string;
  encryption: Settings['encryption'];
  utp: boolean;
}

export function fieldsFrom(s: Settings): SettingsFields {
  return {
    downloadDir: s.downloadDir,
    listenPort: String(s.listenPort),
    maxConnections: String(s.maxConnections),
    maxConnectionsPerTorrent: String(s.maxConnectionsPerTorrent),
    maxDownloadKiB: String(Math.round(s.maxDownloadRate / 1024)),
    maxUploadKiB: String(Math.round(s.maxUploadRate / 1024)),
    seedRatioLimit: String(s.seedRatioLimit),
    seedTimeMinutes: String(Math.round(s.seedTimeLimit / 60)),
    startPaused: s.startPaused,
    theme: s.theme,
    dht: s.dht,
    dhtBootstrap: s.dhtBootstrap.join(' '),
    encryption: s.encryption,
    utp: s.utp,
  };
}

function int(text: string, label: string, min: number, max: number): number | string {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `${label} must be a whole number.`;
  const n = Number(t);
  if (n < min || n > max) return `${label} must be between ${min} and ${max}.`;
  return n;
}

/** The patch to send, or the first problem in plain words. */
export function patchFrom(f: SettingsFields): { ok: true; patch: Settings } | { ok: false; problem: string } {
  if (f.downloadDir.trim() === '') return { ok: false, problem: 'Choose a download folder.' };
  const port = int(f.listenPort, 'The listening port', 0, 65535);
  const conn = int(f.maxConnections, 'The connection limit', 1, 65535);
  const per = int(f.maxConnectionsPerTorrent, 'The per-torrent connection limit', 1, 65535);
  const down = int(f.maxDownloadKiB, 'The download limit', 0, 1e9);
  const up = int(f.maxUploadKiB, 'The upload limit', 0, 1e9);
  const minutes = int(f.seedTimeMinutes, 'The seeding time', 0, 1e8);
  for (const v of [port, conn, per, down, up, minutes]) if (typeof v === 'string') return { ok: false, problem: v };
  const ratio = Number(f.seedRatioLimit.trim());
  if (f.seedRatioLimit.trim() === '' || !Number.isFinite(ratio) || ratio < 0 || ratio > 1e6) return { ok: false, problem: 'The ratio limit must be a number of 0 or more (0 = never stop).' };
  const nodes = f.dhtBootstrap.split(/[\s,]+/).filter((x) => x !== '');
  if (nodes.length > MAX_DHT_BOOTSTRAP) return { ok: false, problem: `List at most ${MAX_DHT_BOOTSTRAP} DHT bootstrap nodes.` };
  for (const n of nodes) {
    if (!dhtBootstrapNode(n, 'node').ok) return { ok: false, problem: `DHT bootstrap node "${n}" should look like host:port (a host name or IPv4 address).` };
  }
  return {
    ok: true,
    patch: {
      downloadDir: f.downloadDir.trim(),
      listenPort: port as number,
      maxConnections: conn as number,
      maxConnectionsPerTorrent: per as number,
      maxDownloadRate: (down as number) * 1024,
      maxUploadRate: (up as number) * 1024,
      seedRatioLimit: ratio,
      seedTimeLimit: (minutes as number) * 60,
      startPaused: f.startPaused,
      theme: f.theme,
      dht: f.dht,
      dhtBootstrap: [...new Set(nodes)],
      encryption: f.encryption,
      utp: f.utp,
    },
  };
}
