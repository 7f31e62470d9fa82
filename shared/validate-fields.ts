// The building blocks of command validation (validate.ts): size limits, the Result helpers and one
// checker per field type (strings, paths, numbers, info-hash ids, base64, job ids, tracker URLs,
// priorities, plain records with known keys only). Each returns a Result and never throws.
import type { Result } from './contract.ts';
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

export type V<T> = Result<T>;
export const ok = <T>(value: T): V<T> => ({ ok: true, value });
export const bad = <T>(message: string): V<T> => ({ ok: false, error: { code: 'BAD_ARGUMENT', message } });

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], what: string): string | undefined {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return `${what}: unknown field "${k}"`;
  return undefined;
}

export function str(v: unknown, field: string, max: number, opts: { nonEmpty?: boolean } = {}): V<string> {
  if (typeof v !== 'string') return bad(`${field} must be a string`);
  if (v.length > max) return bad(`${field} is longer than ${max} characters`);
  if (opts.nonEmpty && v.length === 0) return bad(`${field} must not be empty`);
  return ok(v);
}

export function path(v: unknown, field: string): V<string> {
  const r = str(v, field, MAX_PATH, { nonEmpty: true });
  if (!r.ok) return r;
  if (r.value.includes('\0')) return bad(`${field} contains a NUL character`);
  return r;
}

export function bool(v: unknown, field: string): V<boolean> {
  return typeof v === 'boolean' ? ok(v) : bad(`${field} must be a boolean`);
}

export function int(v: unknown, field: string, min: number, max: number): V<number> {
  if (typeof v !== 'number' || !Number.isInteger(v)) return bad(`${field} must be an integer`);
  if (v < min || v > max) return bad(`${field} must be between ${min} and ${max}`);
  return ok(v);
}

export function num(v: unknown, field: string, min: number, max: number): V<number> {
  if (typeof v !== 'number' || !Number.isFinite(v)) return bad(`${field} must be a finite number`);
  if (v < min || v > max) return bad(`${field} must be between ${min} and ${max}`);
  return ok(v);
}

const TORRENT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
export function torrentId(v: unknown, field: string): V<string> {
  return typeof v === 'string' && TORRENT_ID.test(v) ? ok(v) : bad(`${field} must be a lowercase hex info-hash`);
}

export function ids(v: unknown): V<string[]> {
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
export function base64(v: unknown, field: string): V<string> {
  const r = str(v, field, MAX_TORRENT_BASE64, { nonEmpty: true });
  if (!r.ok) return r;
  if (r.value.length % 4 !== 0 || !BASE64.test(r.value)) return bad(`${field} is not base64`);
  return r;
}

const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;
export function jobId(v: unknown): V<string> {
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
export function priority(v: unknown, field: string): V<FilePriority> {
  const p = PRIORITIES.find((x) => x === v);
  return p === undefined ? bad(`${field} must be one of ${PRIORITIES.join(', ')}`) : ok(p);
}

export function stringList(v: unknown, field: string): V<string[]> {
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
export function addOptions(o: Record<string, unknown>): V<{ savePath?: string; paused?: boolean }> {
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

export function record(v: unknown, what: string, keys: readonly string[]): V<Record<string, unknown>> {
  if (!isRecord(v)) return bad(`${what}: argument must be an object`);
  const extra = onlyKeys(v, keys, what);
  return extra === undefined ? ok(v) : bad(extra);
}
