import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../shared/contract.ts';
import { validateCommand } from '../../shared/validate.ts';
import type { HostToWorker, WorkerToHost } from './protocol.ts';
import { runEngineHost, type OpenSessionOptions } from './worker-core.ts';
import { PUBLIC_BOOTSTRAP } from '../engine/session-dht.ts';
import { FakeSession } from './test-support/fake-session.ts';

const DEFAULTS: Settings = { downloadDir: '/tmp/dl', listenPort: 6881, maxConnections: 200, maxConnectionsPerTorrent: 50, maxUploadRate: 0,
  maxDownloadRate: 0, seedRatioLimit: 0, seedTimeLimit: 0, startPaused: false, theme: 'system', dht: false, dhtBootstrap: [], encryption: 'prefer', utp: true };
const TORRENT = Buffer.from('d4:infod4:name1:aee').toString('base64');

async function harness(t: { after(fn: () => Promise<void>): void }, overrides: Partial<Settings> = { listenPort: 0 },
  extra: { defaults?: Settings; noDht?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-host-'));
  const out: WorkerToHost[] = [];
  let deliver: (m: HostToWorker) => void = () => undefined;
  let session: FakeSession | undefined;
  let opened: OpenSessionOptions | undefined;
  const waiters: Array<() => void> = [];
  const host = runEngineHost({
    post: (m) => { out.push(m); for (const w of waiters.splice(0)) w(); },
    onMessage: (l) => { deliver = l; },
  }, { openSession: async (o) => { opened = o; return (session = new FakeSession(o.settings)); } });
  const next = (pred: (m: WorkerToHost) => boolean, from = 0): Promise<WorkerToHost> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), 5000);
    const check = (): void => {
      const hit = out.slice(from).find(pred);
      if (hit) { clearTimeout(timer); resolve(hit); } else waiters.push(check);
    };
    check();
  });
  let id = 0;
  const invoke = async (command: string, arg: unknown) => {
    const v = validateCommand(command, arg);
    assert.ok(v.ok, JSON.stringify(v));
    const myId = ++id;
    const from = out.length;
    deliver({ t: 'invoke', id: myId, clientId: 'c1', cmd: v.value });
    const r = await next((m) => m.t === 'result' && m.id === myId, from);
    assert.ok(r.t === 'result');
    return r.result;
  };
  t.after(async () => {
    deliver({ t: 'close' });
    await host.done;
    await rm(dir, { recursive: true, force: true });
  });
  deliver({ t: 'init', init: { stateDir: dir, settingsFile: join(dir, 'settings.json'), defaults: extra.defaults ?? DEFAULTS, overrides,
    ...(extra.noDht !== undefined ? { noDht: extra.noDht } : {}), snapshotIntervalMs: 20 } });
  await next((m) => m.t === 'ready');
  return { out, next, invoke, dir, session: () => session!, opened: () => opened! };
}

test('commands reach the session and come back as Results; the list is published as diffs', async (t) => {
  const h = await harness(t);
  assert.equal(h.session().settings().listenPort, 0, 'start-time overrides reach the session');
  const full = await h.next((m) => m.t === 'event' && m.event === 'torrents:update');
  assert.ok(full.t === 'event' && full.event === 'torrents:update');
  assert.deepEqual(full.payload, { changed: [], removed: [], full: true });

  const added = await h.invoke('torrent:add-file', { torrentBase64: TORRENT });
  assert.ok(added.ok);
  const id = (added.value as { id: string }).id;
  const from = h.out.length;
  const upd = await h.next((m) => m.t === 'event' && m.event === 'torrents:update', from);
  assert.ok(upd.t === 'event' && upd.event === 'torrents:update');
  assert.deepEqual(upd.payload, { changed: [added.value], removed: [], full: false });

  assert.deepEqual(await h.invoke('torrent:pause', { ids: [id] }), { ok: true, value: null });
  assert.deepEqual(h.session().calls, [`pause ${id}`]);
  const missing = await h.invoke('torrent:pause', { ids: ['f'.repeat(40)] });
  assert.equal(!missing.ok && missing.error.code, 'NOT_FOUND');
  const bad = await h.invoke('torrent:add-file', { torrentBase64: Buffer.from('xxxx').toString('base64') });
  assert.equal(!bad.ok && bad.error.code, 'METAINFO_INVALID');
  const magnet = await h.invoke('torrent:magnet', { id });
  assert.deepEqual(magnet, { ok: true, value: `magnet:?xt=urn:btih:${id}` });
  assert.deepEqual(await h.invoke('torrent:files', { id, from: 0, count: 50 }), { ok: true, value: { total: 0, files: [] } });
  const noFiles = await h.invoke('torrent:files', { id: 'f'.repeat(40), from: 0, count: 50 });
  assert.equal(!noFiles.ok && noFiles.error.code, 'NOT_FOUND');

  const rm1 = h.out.length;
  assert.deepEqual(await h.invoke('torrent:remove', { ids: [id], deleteData: false }), { ok: true, value: null });
  const gone = await h.next((m) => m.t === 'event' && m.event === 'torrents:update', rm1);
  assert.ok(gone.t === 'event' && gone.event === 'torrents:update');
  assert.deepEqual(gone.payload, { changed: [], removed: [id], full: false });
});

test('detail goes only to the client that selected the torrent, and completion is an event', async (t) => {
  const h = await harness(t);
  const added = await h.invoke('torrent:add-file', { torrentBase64: TORRENT });
  assert.ok(added.ok);
  const id = (added.value as { id: string }).id;
  assert.ok(!h.out.some((m) => m.t === 'detail'), 'no detail before a selection');
  await h.invoke('torrent:select', { id });
  const from = h.out.length;
  h.session().progress(id, 16);
  const d = await h.next((m) => m.t === 'detail' && m.detail.have[0] === 0xff, from);
  assert.ok(d.t === 'detail');
  assert.deepEqual(d.clientIds, ['c1']);
  const done = await h.next((m) => m.t === 'event' && m.event === 'torrent:completed', from);
  assert.ok(done.t === 'event');
  assert.deepEqual(done.payload, { id, name: `t-${id.slice(0, 6)}` });
  await h.invoke('torrent:select', { id: null });
  const after = h.out.length;
  await h.next((m) => m.t === 'event' && m.event === 'session:stats' || m.t === 'result', after).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 80));
  assert.ok(!h.out.slice(after + 1).some((m) => m.t === 'detail'), 'no detail after deselecting');
});

test('settings are validated, saved atomically with a version, and reach the session', async (t) => {
  const h = await harness(t);
  const r = await h.invoke('settings:set', { maxDownloadRate: 5000, theme: 'dark' });
  assert.ok(r.ok);
  assert.equal((r.value as Settings).maxDownloadRate, 5000);
  assert.equal(h.session().settings().maxDownloadRate, 5000);
  const saved = JSON.parse(await readFile(join(h.dir, 'settings.json'), 'utf8')) as { version: number; settings: Settings };
  assert.equal(saved.version, 1);
  assert.equal(saved.settings.theme, 'dark');
  assert.equal(saved.settings.listenPort, 6881, 'start-time overrides are not saved');
  const g = await h.invoke('settings:get', null);
  assert.ok(g.ok && (g.value as Settings).theme === 'dark');
});

test('settings:get reports this run\'s start-time overrides (serve --download-dir), which are never saved', async (t) => {
  const h = await harness(t, { downloadDir: '/tmp/this-run', listenPort: 0 });
  const g = await h.invoke('settings:get', null);
  assert.ok(g.ok);
  assert.equal((g.value as Settings).downloadDir, '/tmp/this-run', 'the dialog shows the folder the engine uses');
  assert.equal((g.value as Settings).listenPort, 0);
  assert.equal(h.session().settings().downloadDir, '/tmp/this-run');
  // Another field saved: the override stays in effect and stays out of the file.
  await h.invoke('settings:set', { maxUploadRate: 1000 });
  let saved = JSON.parse(await readFile(join(h.dir, 'settings.json'), 'utf8')) as { settings: Settings };
  assert.equal(saved.settings.downloadDir, DEFAULTS.downloadDir);
  const g2 = await h.invoke('settings:get', null);
  assert.ok(g2.ok && (g2.value as Settings).downloadDir === '/tmp/this-run');
  // The user picks a folder in the dialog: that choice wins, now and on disk.
  const s = await h.invoke('settings:set', { downloadDir: '/tmp/chosen' });
  assert.ok(s.ok && (s.value as Settings).downloadDir === '/tmp/chosen');
  assert.equal(h.session().settings().downloadDir, '/tmp/chosen');
  saved = JSON.parse(await readFile(join(h.dir, 'settings.json'), 'utf8')) as { settings: Settings };
  assert.equal(saved.settings.downloadDir, '/tmp/chosen');
  assert.equal(saved.settings.listenPort, DEFAULTS.listenPort, 'the port override is still not saved');
});

test('add/remove tracker commands reach the session; refusals come back in the Result', async (t) => {
  const h = await harness(t);
  const added = await h.invoke('torrent:add-file', { torrentBase64: TORRENT });
  assert.ok(added.ok);
  const id = (added.value as { id: string }).id;
  assert.deepEqual(await h.invoke('torrent:add-tracker', { id, url: 'udp://127.0.0.1:6969/announce', tier: 0 }), { ok: true, value: null });
  const dup = await h.invoke('torrent:add-tracker', { id, url: 'udp://127.0.0.1:6969/announce' });
  assert.equal(!dup.ok && dup.error.code, 'BAD_ARGUMENT');
  const unknown = await h.invoke('torrent:add-tracker', { id: 'f'.repeat(40), url: 'http://127.0.0.1:1/announce' });
  assert.equal(!unknown.ok && unknown.error.code, 'NOT_FOUND');
  assert.deepEqual(await h.invoke('torrent:remove-tracker', { id, url: 'udp://127.0.0.1:6969/announce' }), { ok: true, value: null });
  const gone = await h.invoke('torrent:remove-tracker', { id, url: 'udp://127.0.0.1:6969/announce' });
  assert.equal(!gone.ok && gone.error.code, 'NOT_FOUND');
  assert.deepEqual(h.session().calls, [`add-tracker ${id} udp://127.0.0.1:6969/announce 0`, `remove-tracker ${id} udp://127.0.0.1:6969/announce`]);
});

test('dht setting: on by default with the public routers, its own bootstrap list when given; toggled at run time', async (t) => {
  const h = await harness(t, { listenPort: 0 }, { defaults: { ...DEFAULTS, dht: true } });
  assert.deepEqual(h.opened().dht, { port: 0, bootstrap: PUBLIC_BOOTSTRAP }, 'empty dhtBootstrap = the public routers');
  // The dialog sends every field on each save: an unchanged DHT is left alone.
  await h.invoke('settings:set', { ...DEFAULTS, dht: true, maxUploadRate: 1 });
  assert.deepEqual(h.session().calls, []);
  await h.invoke('settings:set', { dhtBootstrap: ['127.0.0.1:20001'] });
  await h.invoke('settings:set', { dht: false });
  await h.invoke('settings:set', { dhtBootstrap: ['127.0.0.1:20002'] });
  assert.deepEqual(h.session().calls, ['dht {"port":0,"bootstrap":["127.0.0.1:20001"]}', 'dht null'], 'a bootstrap change while off starts nothing');
  const saved = JSON.parse(await readFile(join(h.dir, 'settings.json'), 'utf8')) as { settings: Settings };
  assert.equal(saved.settings.dht, false);
  assert.deepEqual(saved.settings.dhtBootstrap, ['127.0.0.1:20002']);
  const bad = await h.invoke('settings:set', { dht: true }).then((r) => r);
  assert.ok(bad.ok);
  assert.deepEqual(h.session().calls.at(-1), 'dht {"port":0,"bootstrap":["127.0.0.1:20002"]}');
});

test('dht off in the saved settings: the session opens without one', async (t) => {
  const h = await harness(t, { listenPort: 0 }, { defaults: { ...DEFAULTS, dht: false } });
  assert.equal(h.opened().dht, undefined);
});

test('noDht (tests, e2e): never started, shown as off for the run, and turning it on does not start it', async (t) => {
  const h = await harness(t, { listenPort: 0 }, { defaults: { ...DEFAULTS, dht: true }, noDht: true });
  assert.equal(h.opened().dht, undefined);
  const g = await h.invoke('settings:get', null);
  assert.ok(g.ok && (g.value as Settings).dht === false, 'the run override shows the DHT off');
  await h.invoke('settings:set', { dht: false });
  await h.invoke('settings:set', { dht: true, dhtBootstrap: ['127.0.0.1:20003'] });
  assert.deepEqual(h.session().calls, [], 'no setDht call in a no-DHT run');
  const saved = JSON.parse(await readFile(join(h.dir, 'settings.json'), 'utf8')) as { settings: Settings };
  assert.equal(saved.settings.dht, true, 'the choice is still saved for a normal run');
});
