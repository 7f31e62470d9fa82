import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldsFrom, patchFrom } from './settings-form.ts';

const S = {
  downloadDir: '/dl', listenPort: 6881, maxConnections: 200, maxConnectionsPerTorrent: 50, maxUploadRate: 0, maxDownloadRate: 512 * 1024,
  seedRatioLimit: 2, seedTimeLimit: 3600, startPaused: false, theme: 'dark' as const,
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
