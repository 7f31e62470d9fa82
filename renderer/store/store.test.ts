import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyDetail, applyEngineError, applyTorrentsUpdate, clickRow, contextSelect, dismissToast, moveFocus,
  MAX_TOASTS, pushToast, resolvedTheme, selectAll, selectedIds, setFilterText, setStatusFilter, setSystemDark, setTheme, sortBy,
} from './actions.ts';
import { createAppStore } from './state.ts';
import { row } from './test-rows.ts';
import type { TorrentDetail } from '../../shared/snapshot.ts';

function detail(id: string): TorrentDetail {
  return { id, have: new Uint8Array(2), downloading: new Uint8Array(2), availability: new Uint16Array(10), seedCount: 0, peers: [], trackers: [] };
}

test('torrents:update merges changed rows, drops removed ids, replaces the Map', () => {
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, changed: [row('a'), row('b'), row('c')], removed: [] });
  const first = store.getState().torrents;
  assert.equal(first.size, 3);
  applyTorrentsUpdate(store, { full: false, changed: [row('b', { progress: 0.5 })], removed: ['c'] });
  const second = store.getState().torrents;
  assert.notEqual(second, first, 'a new Map');
  assert.equal(first.size, 3, 'the old Map was not mutated');
  assert.equal(second.get('b')?.progress, 0.5);
  assert.equal(second.has('c'), false);
  assert.equal(second.get('a'), first.get('a'), 'unchanged rows keep their identity (rows do not re-render)');
  applyTorrentsUpdate(store, { full: true, changed: [row('z')], removed: [] });
  assert.deepEqual([...store.getState().torrents.keys()], ['z'], 'full replaces everything');
});

test('an empty update changes nothing (no re-render)', () => {
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, changed: [row('a')], removed: [] });
  const before = store.getState();
  applyTorrentsUpdate(store, { full: false, changed: [], removed: [] });
  assert.equal(store.getState(), before);
});

test('view: sort by a column, flip on second click, filter by text and status, stable identity', () => {
  const store = createAppStore();
  applyTorrentsUpdate(store, {
    full: true, removed: [], changed: [
      row('a', { name: 'Ubuntu 24.04', downRate: 10, status: 'downloading' }),
      row('b', { name: 'Debian 12', downRate: 30, status: 'seeding', progress: 1 }),
      row('c', { name: 'Arch', downRate: 20, status: 'paused' }),
    ],
  });
  sortBy(store, 'downRate');
  assert.deepEqual(store.getState().view, ['b', 'c', 'a'], 'numbers sort descending first');
  sortBy(store, 'downRate');
  assert.deepEqual(store.getState().view, ['a', 'c', 'b']);
  sortBy(store, 'name');
  assert.deepEqual(store.getState().view, ['c', 'b', 'a'], 'names sort ascending first');
  const v = store.getState().view;
  applyTorrentsUpdate(store, { full: false, changed: [row('a', { name: 'Ubuntu 24.04', downRate: 99 })], removed: [] });
  assert.equal(store.getState().view, v, 'same order keeps the same array');
  setFilterText(store, 'deb');
  assert.deepEqual(store.getState().view, ['b']);
  setFilterText(store, '');
  setStatusFilter(store, 'paused');
  assert.deepEqual(store.getState().view, ['c']);
  setStatusFilter(store, 'completed');
  assert.deepEqual(store.getState().view, ['b']);
});

test('ETA sorts unknown (-1) last', () => {
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, removed: [], changed: [row('a', { eta: -1 }), row('b', { eta: 50 }), row('c', { eta: 5 })] });
  sortBy(store, 'eta');
  assert.deepEqual(store.getState().view, ['c', 'b', 'a']);
});

test('selection: click, ctrl-click, shift-click range, select all, context menu keeps a multi-selection', () => {
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, removed: [], changed: ['a', 'b', 'c', 'd', 'e'].map((id) => row(id, { name: id })) });
  sortBy(store, 'name');
  clickRow(store, 'b');
  assert.deepEqual(selectedIds(store.getState()), ['b']);
  clickRow(store, 'd', { range: true });
  assert.deepEqual(selectedIds(store.getState()), ['b', 'c', 'd']);
  assert.equal(store.getState().focused, 'd');
  clickRow(store, 'c', { toggle: true });
  assert.deepEqual(selectedIds(store.getState()), ['b', 'd']);
  contextSelect(store, 'd');
  assert.deepEqual(selectedIds(store.getState()), ['b', 'd'], 'right-click inside the selection keeps it');
  contextSelect(store, 'a');
  assert.deepEqual(selectedIds(store.getState()), ['a']);
  selectAll(store);
  assert.equal(store.getState().selected.size, 5);
  clickRow(store, 'a');
  moveFocus(store, 2);
  assert.deepEqual(selectedIds(store.getState()), ['c']);
  moveFocus(store, 1, true);
  assert.deepEqual(selectedIds(store.getState()), ['c', 'd']);
});

test('removed torrents leave the selection and the detail pane', () => {
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, removed: [], changed: [row('a'), row('b')] });
  clickRow(store, 'a');
  clickRow(store, 'b', { toggle: true });
  applyDetail(store, detail('b'));
  assert.equal(store.getState().detail?.id, 'b');
  applyTorrentsUpdate(store, { full: false, changed: [], removed: ['b'] });
  assert.deepEqual([...store.getState().selected], ['a']);
  assert.equal(store.getState().focused, null);
  assert.equal(store.getState().detail, null);
});

test('detail: only the focused torrent is kept; a new focus clears the old detail', () => {
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, removed: [], changed: [row('a'), row('b')] });
  applyDetail(store, detail('a'));
  assert.equal(store.getState().detail, null, 'nothing focused: ignored');
  clickRow(store, 'a');
  applyDetail(store, detail('a'));
  assert.equal(store.getState().detail?.id, 'a');
  clickRow(store, 'b');
  assert.equal(store.getState().detail, null);
  applyDetail(store, detail('a'));
  assert.equal(store.getState().detail, null, 'a late detail for the old selection is dropped');
});

test('errors: plain words, deduplicated, bounded; torrent errors announced once', () => {
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, removed: [], changed: [row('a', { name: 'Big ISO' })] });
  applyEngineError(store, { id: 'a', message: 'ENOSPC: no space left on device, write', severity: 'error' });
  const [t] = store.getState().toasts;
  assert.equal(t?.message, 'The disk is full. Free some space, then resume the torrent.');
  assert.equal(t?.detail, 'ENOSPC: no space left on device, write');
  assert.equal(t?.torrentName, 'Big ISO');
  applyEngineError(store, { id: 'a', message: 'ENOSPC: no space left on device, write', severity: 'error' });
  assert.equal(store.getState().toasts.length, 1);
  assert.equal(store.getState().toasts[0]?.count, 2);
  for (let i = 0; i < 20; i++) pushToast(store, 'warning', `message ${i}`);
  assert.equal(store.getState().toasts.length, MAX_TOASTS);
  assert.equal(store.getState().toasts.at(-1)?.message, 'Message 19.');
  dismissToast(store, store.getState().toasts.at(-1)!.id);
  assert.equal(store.getState().toasts.length, MAX_TOASTS - 1);

  const s2 = createAppStore();
  applyTorrentsUpdate(s2, { full: true, removed: [], changed: [row('x', { name: 'X' })] });
  applyTorrentsUpdate(s2, { full: false, removed: [], changed: [row('x', { name: 'X', status: 'error', error: 'tracker announce failed: ECONNREFUSED' })] });
  applyTorrentsUpdate(s2, { full: false, removed: [], changed: [row('x', { name: 'X', status: 'error', error: 'tracker announce failed: ECONNREFUSED', downRate: 1 })] });
  assert.equal(s2.getState().toasts.length, 1);
  assert.equal(s2.getState().toasts[0]?.count, 1, 'the same error on later updates is not re-announced');
  assert.match(s2.getState().toasts[0]!.message, /refused/);

  const s3 = createAppStore();
  applyTorrentsUpdate(s3, { full: true, removed: [], changed: [row('y', { status: 'error', error: 'ENOSPC' })] });
  assert.equal(s3.getState().toasts.length, 0, 'errors already present in a full snapshot are shown in the list, not toasted');
  applyTorrentsUpdate(s3, { full: false, removed: [], changed: [row('n', { status: 'error', error: 'bencode: bad' })] });
  assert.equal(s3.getState().toasts.length, 1, 'a torrent added later that fails at once is announced');
});

test('theme follows the system unless chosen', () => {
  const store = createAppStore();
  assert.equal(resolvedTheme(store.getState()), 'light');
  setSystemDark(store, true);
  assert.equal(resolvedTheme(store.getState()), 'dark');
  setTheme(store, 'light');
  assert.equal(resolvedTheme(store.getState()), 'light');
});

test('the view is re-sorted when a changed row can move, and kept when it cannot', () => {
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, removed: [], changed: [row('a', { name: 'a', addedAt: 1 }), row('b', { name: 'b', addedAt: 2 }), row('c', { name: 'c', addedAt: 3 })] });
  sortBy(store, 'downRate');
  const v = store.getState().view;
  // Sorted by rate: a rate change moves rows.
  assert.deepEqual(v, ['a', 'b', 'c']);
  applyTorrentsUpdate(store, { full: false, removed: [], changed: [row('c', { name: 'c', addedAt: 3, downRate: 50 })] });
  assert.deepEqual(store.getState().view, ['c', 'a', 'b']);
  // Sorted by date added: a rate change keeps the very same array (no re-sort, no list render).
  sortBy(store, 'addedAt');
  const v2 = store.getState().view;
  applyTorrentsUpdate(store, { full: false, removed: [], changed: [row('a', { name: 'a', addedAt: 1, downRate: 99 })] });
  assert.equal(store.getState().view, v2);
  // ...unless the status filter the row passes changes.
  setStatusFilter(store, 'active');
  assert.deepEqual(store.getState().view, ['c', 'a']);
  applyTorrentsUpdate(store, { full: false, removed: [], changed: [row('b', { name: 'b', addedAt: 2, upRate: 1 })] });
  assert.deepEqual(store.getState().view, ['c', 'b', 'a']);
  applyTorrentsUpdate(store, { full: false, removed: [], changed: [row('c', { name: 'c', addedAt: 3, downRate: 0 })] });
  assert.deepEqual(store.getState().view, ['b', 'a']);
});
