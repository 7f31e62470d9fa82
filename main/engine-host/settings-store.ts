// Saved settings: a versioned JSON file in the user-data folder, migrated forward on load and
// written atomically. Whatever is on disk is validated like any other input: a hand-edited or
// corrupt file falls back to defaults field by field, never crashes the engine.
import { readFile, rename } from 'node:fs/promises';
import type { Settings } from '../../shared/contract.ts';
import { validateSettingsPatch } from '../../shared/validate.ts';
import { writeFileAtomic } from '../engine/storage/atomic-write.ts';

export const SETTINGS_VERSION = 1;

type Raw = Record<string, unknown>;
/** migrations[n] turns a version-n file into version n+1. Empty until the format first changes:
 *  bump SETTINGS_VERSION and add the step here (webtorrent-desktop's lib/migrations.js pattern). */
const migrations: Record<number, (s: Raw) => Raw> = {};

export function migrateSettings(version: number, raw: Raw): Raw {
  let v = version;
  let s = raw;
  while (v < SETTINGS_VERSION) {
    const m = migrations[v];
    if (m) s = m(s);
    v++;
  }
  return s;
}

/** Keeps every field that validates; drops the rest (so one bad field does not reset all). */
export function sanitizeSettings(defaults: Settings, raw: Raw): Settings {
  const out: Settings = { ...defaults };
  for (const [k, v] of Object.entries(raw)) {
    const r = validateSettingsPatch({ [k]: v });
    if (r.ok) Object.assign(out, r.value);
  }
  return out;
}

export class SettingsStore {
  #current: Settings;
  /** This run's start-time values (e.g. `serve --download-dir`): shown and used, never saved. */
  #run: Partial<Settings> = {};
  #writing: Promise<void> = Promise.resolve();

  private constructor(readonly file: string, initial: Settings) {
    this.#current = initial;
  }

  static async load(file: string, defaults: Settings): Promise<{ store: SettingsStore; warning?: string }> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return { store: new SettingsStore(file, { ...defaults }) };
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      const p = parsed as Raw;
      const version = typeof p.version === 'number' && Number.isInteger(p.version) ? p.version : 1;
      const body = typeof p.settings === 'object' && p.settings !== null && !Array.isArray(p.settings) ? (p.settings as Raw) : {};
      return { store: new SettingsStore(file, sanitizeSettings(defaults, migrateSettings(version, body))) };
    } catch (e) {
      // Keep the broken file for the user to inspect instead of overwriting it on the next save.
      await rename(file, `${file}.corrupt-${Date.now()}`).catch(() => undefined);
      const msg = `settings file was unreadable (${e instanceof Error ? e.message : String(e)}); using defaults`;
      return { store: new SettingsStore(file, { ...defaults }), warning: msg };
    }
  }

  /** The effective settings of this run: the saved ones under this run's overrides. */
  get(): Settings {
    return { ...this.#current, ...this.#run };
  }

  /** Start-time overrides for this run only: get() reports them (so the Settings dialog shows what
   *  the engine really uses), the file keeps the saved values. */
  setRunOverrides(overrides: Partial<Settings>): void {
    this.#run = { ...overrides };
  }

  /** Applies a validated patch and saves; saves are serialised so the last write wins on disk. A
   *  field the user sets explicitly replaces this run's override of it. */
  async set(patch: Partial<Settings>): Promise<Settings> {
    this.#current = { ...this.#current, ...patch };
    for (const k of Object.keys(patch) as Array<keyof Settings>) delete this.#run[k];
    const snapshot = JSON.stringify({ version: SETTINGS_VERSION, settings: this.#current }, null, 2);
    const write = this.#writing.then(() => writeFileAtomic(this.file, snapshot));
    this.#writing = write.catch(() => undefined);
    await write;
    return this.get();
  }
}
