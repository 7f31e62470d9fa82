import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldsFrom, patchFrom } from './settings-form.ts';

const S = {
  downloadDir: '/dl', listenPort: 6881, maxConnections: 200, maxConnectionsPerTorrent: 50, maxUploadRate: 0, maxDownloadRate: 512 * 1024,
  seedRatioLimit: 2, seedTimeLimit: 3600, startPaused: false, theme: 'dark' as const, dht: true, dhtBootstrap: ['127.0.0.1:20001', 'dht.example.org:6881'],
  encryption: 'require' as const, utp: false,
};

test('round trip', () => {
  const f = fieldsFrom(S);
  assert.equal(f.maxDownloadKiB, '512');
  assert.equal(f.seedTimeMinutes, '60');
  assert.deepEqual(patchFrom(f), { ok: true, patch: S });
});

test('problems in plain words', () => {
  const f = fieldsFrom(S);
  const bad = (patch: Partial<typeof f>): string => { const r = patchFrom({ ...f, ...patch }); assert.ok(!r.ok); return r.problem; };
  assert.match(bad({ listenPort: '70000' }), /port must be between 0 and 65535/);
  assert.match(bad({ maxConnections: 'x' }), /whole number/);
  assert.match(bad({ seedRatioLimit: '-1' }), /ratio/);
  assert.match(bad({ downloadDir: ' ' }), /download folder/);
});

test('DHT toggle and bootstrap nodes: separated by spaces, commas or lines; empty = public routers; bad ones in plain words', () => {
  const f = fieldsFrom(S);
  assert.equal(f.dht, true);
  assert.equal(f.dhtBootstrap, '127.0.0.1:20001 dht.example.org:6881');
  const r = patchFrom({ ...f, dht: false, dhtBootstrap: ' a.example:1,\nb.example:2  a.example:1\n' });
  assert.ok(r.ok);
  assert.equal(r.patch.dht, false);
  assert.deepEqual(r.patch.dhtBootstrap, ['a.example:1', 'b.example:2']);
  const empty = patchFrom({ ...f, dhtBootstrap: '   ' });
  assert.ok(empty.ok && empty.patch.dhtBootstrap.length === 0);
  const bad = patchFrom({ ...f, dhtBootstrap: 'router:99999' });
  assert.ok(!bad.ok);
  assert.match(bad.problem, /router:99999.*host:port/);
});
