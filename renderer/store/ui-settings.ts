// Renderer-only preferences (sort, filter, detail tab, pane height, theme) saved in localStorage,
// versioned with migrations in the manner of webtorrent-desktop's lib/migrations.js: each
// migration lifts version k to k+1; unknown or broken fields fall back to their defaults one by
// one, so a bad value never loses the rest of the user's choices.
import type { SortKey, SortSpec } from './view.ts';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type DetailTab = 'general' | 'pieces' | 'peers' | 'files' | 'trackers' | 'speed';

export interface UiSettings {
  version: number;
  sort: SortSpec;
  detailTab: DetailTab;
  /** Height of the detail pane in CSS pixels. */
  detailHeight: number;
  theme: ThemeChoice;
}

export const UI_SETTINGS_VERSION = 1;
export const UI_SETTINGS_KEY = 'tessera.ui-settings';

export const DEFAULT_UI_SETTINGS: UiSettings = {
  version: UI_SETTINGS_VERSION,
  sort: { key: 'addedAt', desc: true },
  detailTab: 'pieces',
  detailHeight: 300,
  theme: 'system',
};

/** A migration lifts a saved object from version `from` to `from + 1`. */
export interface Migration { from: number; migrate(old: Record<string, unknown>): Record<string, unknown> }

/** None yet: version 1 is the first saved shape. Add `{ from: 1, migrate }` when the shape changes. */
export const MIGRATIONS: readonly Migration[] = [];

const SORT_KEYS: readonly SortKey[] = ['name', 'size', 'progress', 'status', 'downRate', 'upRate', 'peers', 'eta', 'ratio', 'addedAt'];
const TABS: readonly DetailTab[] = ['general', 'pieces', 'peers', 'files', 'trackers', 'speed'];
const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse saved JSON text into current settings: migrate, then validate field by field. */
export function parseUiSettings(
  text: string | null, migrations: readonly Migration[] = MIGRATIONS, currentVersion = UI_SETTINGS_VERSION,
): UiSettings {
  if (text === null) return DEFAULT_UI_SETTINGS;
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { return DEFAULT_UI_SETTINGS; }
  if (!isRecord(raw)) return DEFAULT_UI_SETTINGS;
  let obj = raw;
  let version = typeof obj['version'] === 'number' ? obj['version'] : 0;
  // Saved by a newer build: keep what still validates rather than guessing at a downgrade.
  while (version < currentVersion) {
    const m = migrations.find((x) => x.from === version);
    if (!m) break;
    obj = m.migrate(obj);
    version++;
  }
  return validate(obj);
}

function validate(o: Record<string, unknown>): UiSettings {
  const d = DEFAULT_UI_SETTINGS;
  const sort = isRecord(o['sort']) ? o['sort'] : {};
  const key = SORT_KEYS.find((k) => k === sort['key']) ?? d.sort.key;
  const desc = typeof sort['desc'] === 'boolean' ? sort['desc'] : d.sort.desc;
  const h = o['detailHeight'];
  return {
    version: UI_SETTINGS_VERSION,
    sort: { key, desc },
    detailTab: TABS.find((t) => t === o['detailTab']) ?? d.detailTab,
    detailHeight: typeof h === 'number' && Number.isFinite(h) ? Math.min(2000, Math.max(120, Math.round(h))) : d.detailHeight,
    theme: THEMES.find((t) => t === o['theme']) ?? d.theme,
  };
}

/** The part of the Web Storage API we use (localStorage in the app, a Map in tests). */
export interface KeyValueStorage { getItem(key: string): string | null; setItem(key: string, value: string): void }

export function loadUiSettings(storage: KeyValueStorage | undefined): UiSettings {
  if (!storage) return DEFAULT_UI_SETTINGS;
  try { return parseUiSettings(storage.getItem(UI_SETTINGS_KEY)); } catch { return DEFAULT_UI_SETTINGS; }
}

export function saveUiSettings(storage: KeyValueStorage | undefined, s: UiSettings): void {
  // Quota or privacy-mode failures lose a preference, never the app.
  try { storage?.setItem(UI_SETTINGS_KEY, JSON.stringify(s)); } catch { /* not fatal */ }
}
