import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TorrentStatus } from '../../shared/snapshot.ts';
import { applyTorrentsUpdate } from './actions.ts';
import { createAppStore } from './state.ts';
import { row } from './test-rows.ts';
import { countStatuses } from './view.ts';

const STATUSES: TorrentStatus[] = ['checking', 'metadata', 'downloading', 'seeding', 'paused', 'completed', 'error'];
const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const rowArb = fc.record({
  id: ids, status: fc.constantFrom(...STATUSES), progress: fc.constantFrom(0, 0.5, 1),
  downRate: fc.constantFrom(0, 10), upRate: fc.constantFrom(0, 5), error: fc.option(fc.constant('boom'), { nil: undefined }),
}).map(({ id, error, ...over }) => row(id, error === undefined ? over : { ...over, error }));
const updateArb = fc.record({ full: fc.boolean(), changed: fc.array(rowArb, { maxLength: 6 }), removed: fc.array(ids, { maxLength: 3 }) });

test('sidebar counts kept from changed rows equal a full recount after any sequence of updates', () => {
  fc.assert(fc.property(fc.array(updateArb, { maxLength: 12 }), (updates) => {
    const store = createAppStore();
    for (const u of updates) {
      applyTorrentsUpdate(store, u);
      const s = store.getState();
      assert.deepEqual(s.statusCounts, countStatuses(s.torrents.values()));
    }
  }), { numRuns: 300 });
});

test('a tick that moves no count keeps the same counts object (the sidebar does not re-render)', () => {
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, changed: [row('a', { downRate: 5 }), row('b', { status: 'seeding', progress: 1, upRate: 3 })], removed: [] });
  const before = store.getState().statusCounts;
  assert.equal(before.all, 2);
  assert.equal(before.active, 2);
  applyTorrentsUpdate(store, { full: false, changed: [row('a', { downRate: 9, doneBytes: 10 })], removed: [] });
  assert.equal(store.getState().statusCounts, before);
  applyTorrentsUpdate(store, { full: false, changed: [row('a', { downRate: 0 })], removed: [] });
  assert.equal(store.getState().statusCounts.active, 1);
});
