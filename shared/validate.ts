// Run-time validation of every command argument, hand-written per command. Both transports call
// this before anything reaches the engine: an IPC message from a compromised renderer and a
// WebSocket frame from a browser are equally untrusted. Each validator returns a Result; it never
// throws and never returns the caller's object (it builds a fresh one holding only known keys).
import type { CommandArg, CommandName, CreateTorrentRequest, MetaVersionChoice, Result, Settings } from './contract.ts';
import { ENCRYPTION_MODES } from './contract.ts';
import type { FilePriority } from './snapshot.ts';

/** A .torrent larger than this is refused (base64 characters: ~48 MiB of torrent). */
export const MAX_TORRENT_BASE64 = 64 * 1024 * 1024;
export const MAX_PATH = 4096;
export const MAX_IDS = 100_000;
export const MAX_PRIORITIES = 1_000_000;
export const MAX_MAGNET = 64 * 1024;
export const MAX_URLS = 1000;
export const MAX_TEXT = 64 * 1024;
/** A tracker URL longer than this is refused (real ones are well under 200 characters). */
export const MAX_TRACKER_URL = 2048;
/** Tiers beyond this are refused (the engine also caps a torrent at 50 trackers). */
export const MAX_TIER = 1000;

type V<T> = Result<T>;
const ok = <T>(value: T): V<T> => ({ ok: true, value });
const bad = <T>(message: string): V<T> => ({ ok: false, error: { code: 'BAD_ARGUMENT', message } });

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], what: string): string | undefined {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return `${what}: unknown field "${k}"`;
  return undefined;
}

function str(v: unknown, field: string, max: number, opts: { nonEmpty?: boolean } = {}): V<string> {
  if (typeof v !== 'string') return bad(`${field} must be a string`);
  if (v.length > max) return bad(`${field} is longer than ${max} characters`);
  if (opts.nonEmpty && v.length === 0) return bad(`${field} must not be empty`);
  return ok(v);
}

function path(v: unknown, field: string): V<string> {
  const r = str(v, field, MAX_PATH, { nonEmpty: true });
  if (!r.ok) return r;
  if (r.value.includes('\0')) return bad(`${field} contains a NUL character`);
  return r;
}

function bool(v: unknown, field: string): V<boolean> {
  return typeof v === 'boolean' ? ok(v) : bad(`${field} must be a boolean`);
}

function int(v: unknown, field: string, min: number, max: number): V<number> {
  if (typeof v !== 'number' || !Number.isInteger(v)) return bad(`${field} must be an integer`);
  if (v < min || v > max) return bad(`${field} must be between ${min} and ${max}`);
  return ok(v);
}

function num(v: unknown, field: string, min: number, max: number): V<number> {
  if (typeof v !== 'number' || !Number.isFinite(v)) return bad(`${field} must be a finite number`);
  if (v < min || v > max) return bad(`${field} must be between ${min} and ${max}`);
  return ok(v);
}

const TORRENT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
function torrentId(v: unknown, field: string): V<string> {
  return typeof v === 'string' && TORRENT_ID.test(v) ? ok(v) : bad(`${field} must be a lowercase hex info-hash`);
}

function ids(v: unknown): V<string[]> {
  if (!Array.isArray(v)) return bad('ids must be an array');
  if (v.length > MAX_IDS) return bad(`ids: more than ${MAX_IDS}`);
  const out: string[] = [];
  for (const [i, x] of v.entries()) {
    const r = torrentId(x, `ids[${i}]`);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function base64(v: unknown, field: string): V<string> {
  const r = str(v, field, MAX_TORRENT_BASE64, { nonEmpty: true });
  if (!r.ok) return r;
  if (r.value.length % 4 !== 0 || !BASE64.test(r.value)) return bad(`${field} is not base64`);
  return r;
}

const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;
function jobId(v: unknown): V<string> {
  return typeof v === 'string' && JOB_ID.test(v) ? ok(v) : bad('jobId must be 1–128 characters of [A-Za-z0-9_-]');
}

/** A tracker the engine can announce to: http, https or udp, with a host, no spaces or control characters. */
export function trackerUrl(v: unknown, field: string): V<string> {
  const r = str(v, field, MAX_TRACKER_URL, { nonEmpty: true });
  if (!r.ok) return r;
  const s = r.value.trim();
  if (/[\s\u0000-\u001f\u007f]/.test(s)) return bad(`${field} must not contain spaces or control characters`);
  let u: URL;
  try { u = new URL(s); } catch { return bad(`${field} is not a valid URL`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'udp:') return bad(`${field} must be an http://, https:// or udp:// tracker URL`);
  if (u.hostname === '') return bad(`${field} has no host`);
  if (u.protocol === 'udp:' && u.port === '') return bad(`${field} needs a port for udp://`);
  return ok(s);
}

const PRIORITIES: readonly FilePriority[] = ['skip', 'low', 'normal', 'high'];
function priority(v: unknown, field: string): V<FilePriority> {
  const p = PRIORITIES.find((x) => x === v);
  return p === undefined ? bad(`${field} must be one of ${PRIORITIES.join(', ')}`) : ok(p);
}

function stringList(v: unknown, field: string): V<string[]> {
  if (!Array.isArray(v)) return bad(`${field} must be an array of strings`);
  if (v.length > MAX_URLS) return bad(`${field}: more than ${MAX_URLS} entries`);
  const out: string[] = [];
  for (const [i, x] of v.entries()) {
    const r = str(x, `${field}[${i}]`, MAX_TEXT, { nonEmpty: true });
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

/** Shared by add-file and add-magnet: the optional savePath and paused fields. */
function addOptions(o: Record<string, unknown>): V<{ savePath?: string; paused?: boolean }> {
  const out: { savePath?: string; paused?: boolean } = {};
  if (o.savePath !== undefined) {
    const r = path(o.savePath, 'savePath');
    if (!r.ok) return r;
    out.savePath = r.value;
  }
  if (o.paused !== undefined) {
    const r = bool(o.paused, 'paused');
    if (!r.ok) return r;
    out.paused = r.value;
  }
  return ok(out);
}

function record(v: unknown, what: string, keys: readonly string[]): V<Record<string, unknown>> {
  if (!isRecord(v)) return bad(`${what}: argument must be an object`);
  const extra = onlyKeys(v, keys, what);
  return extra === undefined ? ok(v) : bad(extra);
}

const VERSIONS: readonly MetaVersionChoice[] = ['v1', 'v2', 'hybrid'];

function createRequest(v: unknown): V<CreateTorrentRequest & { jobId: string }> {
  const keys = ['jobId', 'path', 'version', 'pieceLength', 'trackers', 'webSeeds', 'private', 'source', 'comment', 'outputPath', 'seed'];
  const o = record(v, 'create:start', keys);
  if (!o.ok) return o;
  const a = o.value;
  const job = jobId(a.jobId);
  if (!job.ok) return job;
  const p = path(a.path, 'path');
  if (!p.ok) return p;
  const version = VERSIONS.find((x) => x === a.version);
  if (version === undefined) return bad('version must be v1, v2 or hybrid');
  const pl = int(a.pieceLength, 'pieceLength', 0, 2 ** 30);
  if (!pl.ok) return pl;
  if (pl.value !== 0 && (pl.value < 16384 || (pl.value & (pl.value - 1)) !== 0)) {
    return bad('pieceLength must be 0 (automatic) or a power of two of at least 16 KiB');
  }
  if (!Array.isArray(a.trackers) || a.trackers.length > MAX_URLS) return bad('trackers must be an array of tiers');
  const trackers: string[][] = [];
  for (const [i, tier] of a.trackers.entries()) {
    const t = stringList(tier, `trackers[${i}]`);
    if (!t.ok) return t;
    trackers.push(t.value);
  }
  const webSeeds = stringList(a.webSeeds, 'webSeeds');
  if (!webSeeds.ok) return webSeeds;
  const priv = bool(a.private, 'private');
  if (!priv.ok) return priv;
  const seed = bool(a.seed, 'seed');
  if (!seed.ok) return seed;
  const out: CreateTorrentRequest & { jobId: string } = {
    jobId: job.value, path: p.value, version, pieceLength: pl.value, trackers, webSeeds: webSeeds.value,
    private: priv.value, seed: seed.value,
  };
  if (a.source !== undefined) {
    const s = str(a.source, 'source', MAX_TEXT);
    if (!s.ok) return s;
    out.source = s.value;
  }
  if (a.comment !== undefined) {
    const c = str(a.comment, 'comment', MAX_TEXT);
    if (!c.ok) return c;
    out.comment = c.value;
  }
  if (a.outputPath !== undefined) {
    const op = path(a.outputPath, 'outputPath');
    if (!op.ok) return op;
    // The engine writes only .torrent files (and never over an existing file: jobs.ts), so a
    // compromised renderer cannot use "save the torrent" to clobber other files.
    if (!/\.torrent$/i.test(op.value)) return bad('outputPath must end in .torrent');
    out.outputPath = op.value;
  }
  return ok(out);
}

function verifyRequest(v: unknown): V<CommandArg<'verify:start'>> {
  const o = record(v, 'verify:start', ['jobId', 'torrentBase64', 'id', 'path']);
  if (!o.ok) return o;
  const a = o.value;
  const job = jobId(a.jobId);
  if (!job.ok) return job;
  const p = path(a.path, 'path');
  if (!p.ok) return p;
  if ((a.torrentBase64 === undefined) === (a.id === undefined)) return bad('verify:start needs exactly one of torrentBase64 and id');
  if (a.torrentBase64 !== undefined) {
    const b = base64(a.torrentBase64, 'torrentBase64');
    if (!b.ok) return b;
    return ok({ jobId: job.value, path: p.value, torrentBase64: b.value });
  }
  const id = torrentId(a.id, 'id');
  if (!id.ok) return id;
  return ok({ jobId: job.value, path: p.value, id: id.value });
}

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

type Validators = { [C in CommandName]: (arg: unknown) => V<CommandArg<C>> };

export const validators: Validators = {
  'torrent:add-file': (v) => {
    const o = record(v, 'torrent:add-file', ['torrentBase64', 'savePath', 'paused']);
    if (!o.ok) return o;
    const b = base64(o.value.torrentBase64, 'torrentBase64');
    if (!b.ok) return b;
    const opts = addOptions(o.value);
    return opts.ok ? ok({ torrentBase64: b.value, ...opts.value }) : opts;
  },
  'torrent:add-magnet': (v) => {
    const o = record(v, 'torrent:add-magnet', ['uri', 'savePath', 'paused']);
    if (!o.ok) return o;
    const u = str(o.value.uri, 'uri', MAX_MAGNET, { nonEmpty: true });
    if (!u.ok) return u;
    if (!/^magnet:\?/i.test(u.value)) return bad('uri must be a magnet: URI');
    const opts = addOptions(o.value);
    return opts.ok ? ok({ uri: u.value, ...opts.value }) : opts;
  },
  'torrent:pause': (v) => {
    const o = record(v, 'torrent:pause', ['ids']);
    if (!o.ok) return o;
    const i = ids(o.value.ids);
    return i.ok ? ok({ ids: i.value }) : i;
  },
  'torrent:resume': (v) => {
    const o = record(v, 'torrent:resume', ['ids']);
    if (!o.ok) return o;
    const i = ids(o.value.ids);
    return i.ok ? ok({ ids: i.value }) : i;
  },
  'torrent:remove': (v) => {
    const o = record(v, 'torrent:remove', ['ids', 'deleteData']);
    if (!o.ok) return o;
    const i = ids(o.value.ids);
    if (!i.ok) return i;
    const d = bool(o.value.deleteData, 'deleteData');
    return d.ok ? ok({ ids: i.value, deleteData: d.value }) : d;
  },
  'torrent:set-file-priorities': (v) => {
    const o = record(v, 'torrent:set-file-priorities', ['id', 'priorities']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    if (!id.ok) return id;
    const list = o.value.priorities;
    if (!Array.isArray(list) || list.length > MAX_PRIORITIES) return bad('priorities must be an array');
    const priorities: Array<{ index: number; priority: FilePriority }> = [];
    for (const [i, e] of list.entries()) {
      const r = record(e, `priorities[${i}]`, ['index', 'priority']);
      if (!r.ok) return r;
      const index = int(r.value.index, `priorities[${i}].index`, 0, MAX_PRIORITIES);
      if (!index.ok) return index;
      const p = priority(r.value.priority, `priorities[${i}].priority`);
      if (!p.ok) return p;
      priorities.push({ index: index.value, priority: p.value });
    }
    return ok({ id: id.value, priorities });
  },
  'torrent:recheck': (v) => {
    const o = record(v, 'torrent:recheck', ['id']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    return id.ok ? ok({ id: id.value }) : id;
  },
  'torrent:add-tracker': (v) => {
    const o = record(v, 'torrent:add-tracker', ['id', 'url', 'tier']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    if (!id.ok) return id;
    const url = trackerUrl(o.value.url, 'url');
    if (!url.ok) return url;
    if (o.value.tier === undefined) return ok({ id: id.value, url: url.value });
    const tier = int(o.value.tier, 'tier', 0, MAX_TIER);
    return tier.ok ? ok({ id: id.value, url: url.value, tier: tier.value }) : tier;
  },
  'torrent:remove-tracker': (v) => {
    const o = record(v, 'torrent:remove-tracker', ['id', 'url']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    if (!id.ok) return id;
    // Any saved URL can be removed (even one a torrent file carried that we could not use).
    const url = str(o.value.url, 'url', MAX_TEXT, { nonEmpty: true });
    return url.ok ? ok({ id: id.value, url: url.value }) : url;
  },
  'torrent:select': (v) => {
    const o = record(v, 'torrent:select', ['id']);
    if (!o.ok) return o;
    if (o.value.id === null) return ok({ id: null });
    const id = torrentId(o.value.id, 'id');
    return id.ok ? ok({ id: id.value }) : id;
  },
  'torrent:magnet': (v) => {
    const o = record(v, 'torrent:magnet', ['id']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    return id.ok ? ok({ id: id.value }) : id;
  },
  'torrent:open-folder': (v) => {
    const o = record(v, 'torrent:open-folder', ['id']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    return id.ok ? ok({ id: id.value }) : id;
  },
  'create:start': createRequest,
  'create:cancel': (v) => {
    const o = record(v, 'create:cancel', ['jobId']);
    if (!o.ok) return o;
    const j = jobId(o.value.jobId);
    return j.ok ? ok({ jobId: j.value }) : j;
  },
  'verify:start': verifyRequest,
  'verify:cancel': (v) => {
    const o = record(v, 'verify:cancel', ['jobId']);
    if (!o.ok) return o;
    const j = jobId(o.value.jobId);
    return j.ok ? ok({ jobId: j.value }) : j;
  },
  // null over the wire; undefined when a transport drops a null argument.
  'settings:get': (v) => (v === null || v === undefined ? ok(null) : bad('settings:get takes no argument')),
  'settings:set': validateSettingsPatch,
};

export const COMMAND_NAMES = Object.keys(validators) as CommandName[];

export function isCommandName(v: unknown): v is CommandName {
  return typeof v === 'string' && Object.hasOwn(validators, v);
}

/** A command and its validated argument, as a discriminated pair. */
export type ValidCommand = { [C in CommandName]: { command: C; arg: CommandArg<C> } }[CommandName];

export function validateCommand(command: unknown, arg: unknown): V<ValidCommand> {
  if (!isCommandName(command)) return bad(`unknown command ${typeof command === 'string' ? JSON.stringify(command.slice(0, 64)) : typeof command}`);
  return validateNamed(command, arg);
}

function validateNamed<C extends CommandName>(command: C, arg: unknown): V<ValidCommand> {
  const validator: (arg: unknown) => V<CommandArg<C>> = validators[command];
  const r = validator(arg);
  if (!r.ok) return r;
  // The mapped union cannot be narrowed from a generic C; the pair is consistent by construction.
  return ok({ command, arg: r.value } as ValidCommand);
}
