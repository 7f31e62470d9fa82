// Validation of settings:set: a partial Settings object, each field range-checked, unknown
// fields refused; and the DHT bootstrap node syntax the Settings dialog also checks as you type.
import type { Settings } from './contract.ts';
import { ENCRYPTION_MODES } from './contract.ts';
import { bad, bool, int, num, ok, path, record, type V } from './validate-fields.ts';

const THEMES: readonly Settings['theme'][] = ['system', 'light', 'dark'];
/** At most this many DHT bootstrap nodes (clients ship three or four). */
export const MAX_DHT_BOOTSTRAP = 32;
// A DNS name or dotted IPv4 address and a port: bittorrent-dht speaks IPv4 only (no BEP 32).
const BOOTSTRAP_NODE = /^(?=.{1,253}:)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*:(\d{1,5})$/;

/** One "host:port" DHT bootstrap node, trimmed; an error message in plain words otherwise. */
export function dhtBootstrapNode(v: unknown, field: string): V<string> {
  if (typeof v !== 'string') return bad(`${field} must be a string`);
  const t = v.trim();
  const m = BOOTSTRAP_NODE.exec(t);
  const port = m ? Number(m[1]) : 0;
  if (!m || port < 1 || port > 65535) return bad(`${field} must be host:port (a host name or IPv4 address, port 1-65535)`);
  return ok(t);
}

function dhtBootstrapList(v: unknown): V<string[]> {
  if (!Array.isArray(v)) return bad('dhtBootstrap must be an array');
  if (v.length > MAX_DHT_BOOTSTRAP) return bad(`dhtBootstrap: more than ${MAX_DHT_BOOTSTRAP} nodes`);
  const out: string[] = [];
  for (const [i, x] of v.entries()) {
    const r = dhtBootstrapNode(x, `dhtBootstrap[${i}]`);
    if (!r.ok) return r;
    if (!out.includes(r.value)) out.push(r.value);
  }
  return ok(out);
}
const RATE_MAX = 1e12;

export function validateSettingsPatch(v: unknown): V<Partial<Settings>> {
  const keys = ['downloadDir', 'listenPort', 'maxConnections', 'maxConnectionsPerTorrent', 'maxUploadRate', 'maxDownloadRate',
    'seedRatioLimit', 'seedTimeLimit', 'startPaused', 'theme', 'dht', 'dhtBootstrap', 'encryption', 'utp'];
  const o = record(v, 'settings:set', keys);
  if (!o.ok) return o;
  const a = o.value;
  const out: Partial<Settings> = {};
  const checks: Array<() => V<unknown>> = [];
  if (a.downloadDir !== undefined) checks.push(() => { const r = path(a.downloadDir, 'downloadDir'); if (r.ok) out.downloadDir = r.value; return r; });
  if (a.listenPort !== undefined) checks.push(() => { const r = int(a.listenPort, 'listenPort', 0, 65535); if (r.ok) out.listenPort = r.value; return r; });
  if (a.maxConnections !== undefined) checks.push(() => { const r = int(a.maxConnections, 'maxConnections', 1, 65535); if (r.ok) out.maxConnections = r.value; return r; });
  if (a.maxConnectionsPerTorrent !== undefined) checks.push(() => { const r = int(a.maxConnectionsPerTorrent, 'maxConnectionsPerTorrent', 1, 65535); if (r.ok) out.maxConnectionsPerTorrent = r.value; return r; });
  if (a.maxUploadRate !== undefined) checks.push(() => { const r = int(a.maxUploadRate, 'maxUploadRate', 0, RATE_MAX); if (r.ok) out.maxUploadRate = r.value; return r; });
  if (a.maxDownloadRate !== undefined) checks.push(() => { const r = int(a.maxDownloadRate, 'maxDownloadRate', 0, RATE_MAX); if (r.ok) out.maxDownloadRate = r.value; return r; });
  if (a.seedRatioLimit !== undefined) checks.push(() => { const r = num(a.seedRatioLimit, 'seedRatioLimit', 0, 1e6); if (r.ok) out.seedRatioLimit = r.value; return r; });
  if (a.seedTimeLimit !== undefined) checks.push(() => { const r = int(a.seedTimeLimit, 'seedTimeLimit', 0, 1e10); if (r.ok) out.seedTimeLimit = r.value; return r; });
  if (a.startPaused !== undefined) checks.push(() => { const r = bool(a.startPaused, 'startPaused'); if (r.ok) out.startPaused = r.value; return r; });
  if (a.utp !== undefined) checks.push(() => { const r = bool(a.utp, 'utp'); if (r.ok) out.utp = r.value; return r; });
  if (a.encryption !== undefined) {
    checks.push(() => {
      const m = ENCRYPTION_MODES.find((x) => x === a.encryption);
      if (m === undefined) return bad('encryption must be plaintext, prefer or require');
      out.encryption = m;
      return ok(m);
    });
  }
  if (a.dht !== undefined) checks.push(() => { const r = bool(a.dht, 'dht'); if (r.ok) out.dht = r.value; return r; });
  if (a.dhtBootstrap !== undefined) checks.push(() => { const r = dhtBootstrapList(a.dhtBootstrap); if (r.ok) out.dhtBootstrap = r.value; return r; });
  if (a.theme !== undefined) {
    checks.push(() => {
      const t = THEMES.find((x) => x === a.theme);
      if (t === undefined) return bad('theme must be system, light or dark');
      out.theme = t;
      return ok(t);
    });
  }
  for (const c of checks) {
    const r = c();
    if (!r.ok) return bad(r.error.message);
  }
  return ok(out);
}
