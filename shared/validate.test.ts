import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COMMAND_NAMES, dhtBootstrapNode, isCommandName, MAX_DHT_BOOTSTRAP, validateCommand, validators } from './validate.ts';

const ID = 'a'.repeat(40);

test('valid arguments pass and come back as fresh objects', () => {
  const arg = { torrentBase64: 'ZDE6YWkxZWU=', paused: true };
  const r = validators['torrent:add-file'](arg);
  assert.deepEqual(r, { ok: true, value: arg });
  assert.ok(r.ok && r.value !== arg);
  assert.deepEqual(validators['torrent:pause']({ ids: [ID] }), { ok: true, value: { ids: [ID] } });
  assert.deepEqual(validators['torrent:select']({ id: null }), { ok: true, value: { id: null } });
  assert.deepEqual(validators['settings:get'](null), { ok: true, value: null });
  assert.deepEqual(validators['settings:set']({ maxDownloadRate: 1000, theme: 'dark' }), { ok: true, value: { maxDownloadRate: 1000, theme: 'dark' } });
  assert.deepEqual(validators['settings:set']({ encryption: 'require', utp: false }), { ok: true, value: { encryption: 'require', utp: false } });
  assert.deepEqual(validators['torrent:set-file-priorities']({ id: ID, priorities: [{ index: 0, priority: 'skip' }] }).ok, true);
  assert.deepEqual(validators['verify:start']({ jobId: 'j1', id: ID, path: '/tmp/x' }).ok, true);
  assert.deepEqual(validators['torrent:files']({ id: ID, from: 49_990, count: 40 }), { ok: true, value: { id: ID, from: 49_990, count: 40 } });
  assert.deepEqual(validators['torrent:add-tracker']({ id: ID, url: ' udp://127.0.0.1:6969/announce ', tier: 2 }),
    { ok: true, value: { id: ID, url: 'udp://127.0.0.1:6969/announce', tier: 2 } });
  assert.deepEqual(validators['torrent:add-tracker']({ id: ID, url: 'https://t.example/announce?k=1' }),
    { ok: true, value: { id: ID, url: 'https://t.example/announce?k=1' } });
  assert.deepEqual(validators['torrent:remove-tracker']({ id: ID, url: 'wss://old/announce' }).ok, true);
  assert.deepEqual(validators['create:start']({ jobId: 'j1', path: '/tmp/x', version: 'hybrid', pieceLength: 0, trackers: [['http://a/announce']],
    webSeeds: [], private: false, seed: false, comment: 'c' }).ok, true);
});

test('bad arguments are refused with BAD_ARGUMENT', () => {
  const cases: Array<[string, unknown]> = [
    ['torrent:add-file', { torrentBase64: 'not base64!' }],
    ['torrent:add-file', { torrentBase64: 'ZDE6YWkxZWU=', extra: 1 }],
    ['torrent:add-file', { torrentBase64: 'ZDE6YWkxZWU=', savePath: 'a\0b' }],
    ['torrent:add-file', 'ZDE6YWkxZWU='],
    ['torrent:add-magnet', { uri: 'http://example.com' }],
    ['torrent:pause', { ids: ['../etc'] }],
    ['torrent:pause', { ids: ID }],
    ['torrent:remove', { ids: [ID] }],
    ['torrent:select', { id: 5 }],
    ['torrent:set-file-priorities', { id: ID, priorities: [{ index: -1, priority: 'skip' }] }],
    ['torrent:set-file-priorities', { id: ID, priorities: [{ index: 0, priority: 'urgent' }] }],
    ['torrent:files', { id: ID, from: -1, count: 10 }],
    ['torrent:files', { id: ID, from: 0, count: 1001 }],
    ['torrent:files', { id: ID, from: 0.5, count: 10 }],
    ['torrent:files', { id: ID, from: 0 }],
    ['create:start', { jobId: 'j', path: '/x', version: 'v3', pieceLength: 0, trackers: [], webSeeds: [], private: false, seed: false }],
    ['create:start', { jobId: 'j', path: '/x', version: 'v1', pieceLength: 1000, trackers: [], webSeeds: [], private: false, seed: false }],
    ['verify:start', { jobId: 'j', path: '/x' }],
    ['torrent:add-tracker', { id: ID, url: 'wss://t/announce' }],
    ['torrent:add-tracker', { id: ID, url: 'file:///etc/passwd' }],
    ['torrent:add-tracker', { id: ID, url: 'javascript:alert(1)' }],
    ['torrent:add-tracker', { id: ID, url: 'udp://t/announce' }],
    ['torrent:add-tracker', { id: ID, url: 'http://a b/announce' }],
    ['torrent:add-tracker', { id: ID, url: 'not a url' }],
    ['torrent:add-tracker', { id: ID, url: `http://t/${'a'.repeat(3000)}` }],
    ['torrent:add-tracker', { id: ID, url: 'http://t/announce', tier: -1 }],
    ['torrent:add-tracker', { id: ID, url: 'http://t/announce', tier: 1.5 }],
    ['torrent:add-tracker', { id: ID }],
    ['torrent:remove-tracker', { id: ID, url: '' }],
    ['verify:start', { jobId: 'j', path: '/x', id: ID, torrentBase64: 'AAAA' }],
    ['settings:get', { a: 1 }],
    ['settings:set', { listenPort: 70000 }],
    ['settings:set', { theme: 'blue' }],
    ['settings:set', { encryption: 'rc4' }],
    ['settings:set', { utp: 'yes' }],
    ['settings:set', { __proto__: { x: 1 }, bogus: true }],
  ];
  for (const [command, arg] of cases) {
    const r = validateCommand(command, arg);
    assert.equal(r.ok, false, `${command} ${JSON.stringify(arg)}`);
    assert.ok(!r.ok && r.error.code === 'BAD_ARGUMENT');
  }
});

test('unknown commands, including prototype keys, are refused', () => {
  for (const c of ['nope', '__proto__', 'constructor', 'toString', 5, null]) {
    assert.equal(isCommandName(c), false);
    assert.equal(validateCommand(c, {}).ok, false);
  }
  assert.equal(COMMAND_NAMES.length, 19);
});

test('no validator throws on arbitrary input', () => {
  fc.assert(fc.property(fc.constantFrom(...COMMAND_NAMES), fc.anything(), (command, arg) => {
    const r = validateCommand(command, arg);
    assert.equal(typeof r.ok, 'boolean');
  }), { numRuns: 2000 });
});

test('settings:set dht and dhtBootstrap: a boolean and a short list of host:port nodes', () => {
  const set = validators['settings:set'];
  assert.deepEqual(set({ dht: false }), { ok: true, value: { dht: false } });
  assert.deepEqual(set({ dhtBootstrap: [] }), { ok: true, value: { dhtBootstrap: [] } });
  assert.deepEqual(set({ dht: true, dhtBootstrap: [' router.example.org:6881', '127.0.0.1:20001', '127.0.0.1:20001'] }),
    { ok: true, value: { dht: true, dhtBootstrap: ['router.example.org:6881', '127.0.0.1:20001'] } }, 'trimmed, duplicates dropped');
  for (const bad of [
    { dht: 'yes' }, { dht: 1 }, { dhtBootstrap: 'a:1' }, { dhtBootstrap: ['nohost'] }, { dhtBootstrap: ['a:0'] }, { dhtBootstrap: ['a:65536'] },
    { dhtBootstrap: ['[::1]:6881'] }, { dhtBootstrap: ['a b:1'] }, { dhtBootstrap: ['-a:1'] }, { dhtBootstrap: [`${'a'.repeat(300)}:1`] },
    { dhtBootstrap: [1] }, { dhtBootstrap: Array.from({ length: MAX_DHT_BOOTSTRAP + 1 }, (_, i) => `n${i}.example:1`) },
  ]) {
    const r = set(bad);
    assert.equal(r.ok, false, JSON.stringify(bad).slice(0, 80));
  }
  assert.deepEqual(dhtBootstrapNode('dht.transmissionbt.com:6881', 'x'), { ok: true, value: 'dht.transmissionbt.com:6881' });
});
