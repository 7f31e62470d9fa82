import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_UI_SETTINGS, loadUiSettings, parseUiSettings, saveUiSettings, UI_SETTINGS_KEY, type Migration } from './ui-settings.ts';

test('missing, corrupt or non-object data gives the defaults', () => {
  assert.deepEqual(parseUiSettings(null), DEFAULT_UI_SETTINGS);
  assert.deepEqual(parseUiSettings('{not json'), DEFAULT_UI_SETTINGS);
  assert.deepEqual(parseUiSettings('[1,2]'), DEFAULT_UI_SETTINGS);
});

test('a bad field falls back alone; good fields survive', () => {
  const s = parseUiSettings(JSON.stringify({ version: 1, sort: { key: 'bogus', desc: false }, detailTab: 'peers', detailHeight: 1e9, theme: 'dark' }));
  assert.deepEqual(s.sort, { key: DEFAULT_UI_SETTINGS.sort.key, desc: false });
  assert.equal(s.detailTab, 'peers');
  assert.equal(s.detailHeight, 2000);
  assert.equal(s.theme, 'dark');
});

test('migrations run in order from the saved version to the current one', () => {
  // A hypothetical history: v1 stored {sortKey, sortDesc}; v2 renamed it to {sort}; v3 renamed "tab".
  const migrations: Migration[] = [
    { from: 1, migrate: (o) => ({ ...o, sort: { key: o['sortKey'], desc: o['sortDesc'] } }) },
    { from: 2, migrate: (o) => ({ ...o, detailTab: o['tab'] }) },
  ];
  const s = parseUiSettings(JSON.stringify({ version: 1, sortKey: 'ratio', sortDesc: false, tab: 'files' }), migrations, 3);
  assert.deepEqual(s.sort, { key: 'ratio', desc: false });
  assert.equal(s.detailTab, 'files');
});

test('save then load round-trips through a storage, and storage failures are not fatal', () => {
  const m = new Map<string, string>();
  const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => { m.set(k, v); } };
  const want = { ...DEFAULT_UI_SETTINGS, theme: 'dark' as const, detailHeight: 420 };
  saveUiSettings(storage, want);
  assert.ok(m.has(UI_SETTINGS_KEY));
  assert.deepEqual(loadUiSettings(storage), want);
  const broken = { getItem: (): string | null => { throw new Error('denied'); }, setItem: () => { throw new Error('quota'); } };
  assert.deepEqual(loadUiSettings(broken), DEFAULT_UI_SETTINGS);
  saveUiSettings(broken, want);
  assert.deepEqual(loadUiSettings(undefined), DEFAULT_UI_SETTINGS);
});
