import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Events } from '../../shared/contract.ts';
import { camelName, EVENT_NAMES, eventMethodName, type PreloadApi } from '../../shared/preload-api.ts';
import { COMMAND_NAMES } from '../../shared/validate.ts';
import { createIpcTransport } from './ipc-transport.ts';

function fakePreload() {
  const calls: Array<[string, unknown]> = [];
  const listeners = new Map<string, (p: unknown) => void>();
  const api: Record<string, unknown> = {};
  for (const c of COMMAND_NAMES) api[camelName(c)] = async (arg: unknown) => { calls.push([c, arg]); return { ok: true, value: null }; };
  for (const e of EVENT_NAMES) api[eventMethodName(e)] = (l: (p: unknown) => void) => { listeners.set(e, l); return () => listeners.delete(e); };
  return { preload: api as unknown as PreloadApi, calls, listeners };
}

test('each command goes to its own preload method; events are mirrored and replayed to late listeners', async () => {
  const f = fakePreload();
  const api = createIpcTransport(f.preload);
  assert.deepEqual(await api.invoke('torrent:pause', { ids: ['a'.repeat(40)] }), { ok: true, value: null });
  assert.deepEqual(f.calls, [['torrent:pause', { ids: ['a'.repeat(40)] }]]);
  assert.equal(f.listeners.size, EVENT_NAMES.length, 'subscribed to every event once');

  const row = { id: 'b'.repeat(40) } as Events['torrents:update']['changed'][number];
  f.listeners.get('torrents:update')!({ changed: [row], removed: [], full: true });
  const got: Array<Events['torrents:update']> = [];
  api.on('torrents:update', (u) => got.push(u));
  await Promise.resolve();
  assert.deepEqual(got, [{ changed: [row], removed: [], full: true }]);
  f.listeners.get('torrents:update')!({ changed: [], removed: [row.id], full: false });
  assert.deepEqual(got[1], { changed: [], removed: [row.id], full: false });
});

test('method names follow the contract: torrent:add-file → torrentAddFile, torrents:update → onTorrentsUpdate', () => {
  assert.equal(camelName('torrent:add-file'), 'torrentAddFile');
  assert.equal(camelName('torrent:set-file-priorities'), 'torrentSetFilePriorities');
  assert.equal(eventMethodName('torrents:update'), 'onTorrentsUpdate');
  assert.equal(eventMethodName('job:progress'), 'onJobProgress');
});
