import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandName, Events, EventName, Result, TesseraApi } from '../../shared/contract.ts';
import { applyTorrentsUpdate, clickRow } from './actions.ts';
import { connectStore, syncFocusToEngine } from './connect.ts';
import { createController, trackerUrlProblem } from './controller.ts';
import { createAppStore } from './state.ts';
import { row } from './test-rows.ts';

/** An in-memory TesseraApi: records commands, answers from a table, lets the test emit events. */
function memoryApi(answers: Partial<Record<CommandName, Result<unknown>>> = {}) {
  const calls: Array<[string, unknown]> = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api: TesseraApi = {
    invoke(command, arg) {
      calls.push([command, arg]);
      return Promise.resolve((answers[command] ?? { ok: true, value: null }) as never);
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: unknown) => void);
      return () => { set.delete(listener as (p: unknown) => void); };
    },
  };
  const emit = <E extends EventName>(e: E, p: Events[E]): void => { for (const l of listeners.get(e) ?? []) l(p); };
  return { api, calls, emit, listeners };
}

test('commands act on the selection in list order', async () => {
  const { api, calls } = memoryApi();
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, removed: [], changed: [row('a', { name: 'a' }), row('b', { name: 'b' }), row('c', { name: 'c' })] });
  clickRow(store, 'c'); clickRow(store, 'a', { toggle: true });
  const c = createController(api, store);
  await c.pause();
  await c.remove(['a'], true);
  assert.deepEqual(calls, [['torrent:pause', { ids: ['a', 'c'] }], ['torrent:remove', { ids: ['a'], deleteData: true }]]);
});

test('a failed command becomes a plain-words toast with the engine text as detail', async () => {
  const { api } = memoryApi({ 'torrent:add-magnet': { ok: false, error: { code: 'MAGNET_INVALID', message: 'xt missing' } } });
  const store = createAppStore();
  await createController(api, store).addMagnets(['magnet:?dn=x']);
  const [t] = store.getState().toasts;
  assert.equal(t?.message, 'Adding the magnet link: That is not a valid magnet link.');
  assert.equal(t?.detail, 'xt missing');
});

test('adding files sends base64 and refuses oversize files before reading them', async () => {
  const { api, calls } = memoryApi();
  const store = createAppStore();
  let readBig = false;
  await createController(api, store).addFiles([
    { name: 'ok.torrent', size: 3, bytes: async () => new Uint8Array([1, 2, 3]) },
    { name: 'huge.torrent', size: 1e9, bytes: async () => { readBig = true; return new Uint8Array(0); } },
  ]);
  assert.deepEqual(calls, [['torrent:add-file', { torrentBase64: 'AQID' }]]);
  assert.equal(readBig, false);
  assert.match(store.getState().toasts[0]!.message, /too large/);
});

test('copy magnet writes the rows\' links to the clipboard', async () => {
  const { api } = memoryApi();
  const store = createAppStore();
  applyTorrentsUpdate(store, { full: true, removed: [], changed: [row('a')] });
  clickRow(store, 'a');
  let copied = '';
  await createController(api, store, { writeClipboard: async (s) => { copied = s; } }).copyMagnet();
  assert.equal(copied, 'magnet:?xt=urn:btih:a');
});

test('connectStore routes events into the store and unsubscribes; focus syncs to the engine', () => {
  const { api, emit, listeners, calls } = memoryApi();
  const store = createAppStore();
  const off = connectStore(api, store);
  const stop = syncFocusToEngine(api, store);
  emit('torrents:update', { full: true, removed: [], changed: [row('a')] });
  emit('session:stats', { downRate: 5, upRate: 6, port: 7 });
  emit('engine:error', { message: 'ENOSPC', severity: 'error' });
  assert.equal(store.getState().torrents.size, 1);
  assert.deepEqual(store.getState().session, { downRate: 5, upRate: 6, port: 7 });
  assert.match(store.getState().toasts[0]!.message, /disk is full/);
  clickRow(store, 'a');
  assert.deepEqual(calls.at(-1), ['torrent:select', { id: 'a' }]);
  off(); stop();
  assert.equal([...listeners.values()].reduce((n, s) => n + s.size, 0), 0);
});

test('trackers: a bad URL is refused before sending, in plain words; engine refusals come back as sentences', async () => {
  assert.equal(trackerUrlProblem('udp://127.0.0.1:6969/announce'), null);
  assert.match(trackerUrlProblem('') ?? '', /^Type a tracker address/);
  assert.equal(trackerUrlProblem('wss://t/announce'), 'The tracker address must be an http://, https:// or udp:// tracker URL.');
  assert.equal(trackerUrlProblem('udp://t/announce'), 'The tracker address needs a port for udp://.');
  const { api, calls } = memoryApi({ 'torrent:add-tracker': { ok: false, error: { code: 'BAD_ARGUMENT', message: 'this torrent already has that tracker' } } });
  const c = createController(api, createAppStore());
  assert.equal(await c.addTracker('a'.repeat(40), 'ftp://x/announce'), 'The tracker address must be an http://, https:// or udp:// tracker URL.');
  assert.deepEqual(calls, [], 'nothing sent for a bad URL');
  assert.equal(await c.addTracker('a'.repeat(40), ' http://127.0.0.1:1/announce ', 0), 'This torrent already has that tracker.');
  assert.equal(await c.removeTracker('a'.repeat(40), 'http://127.0.0.1:1/announce'), null);
  assert.deepEqual(calls, [
    ['torrent:add-tracker', { id: 'a'.repeat(40), url: 'http://127.0.0.1:1/announce', tier: 0 }],
    ['torrent:remove-tracker', { id: 'a'.repeat(40), url: 'http://127.0.0.1:1/announce' }],
  ]);
});
