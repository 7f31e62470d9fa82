import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Events, Settings } from '../../shared/contract.ts';
import { EngineClient } from './engine-client.ts';

const DEFAULTS: Settings = { downloadDir: '/tmp/dl', listenPort: 0, maxConnections: 200, maxConnectionsPerTorrent: 50, maxUploadRate: 0,
  maxDownloadRate: 0, seedRatioLimit: 0, seedTimeLimit: 0, startPaused: false, theme: 'system', dht: false, dhtBootstrap: [], encryption: 'prefer', utp: true };

test('the engine runs in a worker thread loaded through the tsx shim; arguments are validated before posting', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-client-'));
  const client = await EngineClient.start({
    workerFile: new URL('./worker-shim.mjs', import.meta.url),
    workerData: { tsEntry: new URL('./test-support/fake-engine-worker.ts', import.meta.url).href },
    init: { stateDir: dir, settingsFile: join(dir, 'settings.json'), defaults: DEFAULTS, snapshotIntervalMs: 20 },
  });
  t.after(async () => { await client.close(); await rm(dir, { recursive: true, force: true }); });
  assert.equal(client.port, 6881);

  const updates: Array<Events['torrents:update']> = [];
  client.onBroadcast((event, payload) => { if (event === 'torrents:update') updates.push(payload as Events['torrents:update']); });
  const r = await client.invoke('ui', 'torrent:add-file', { torrentBase64: Buffer.from('d1:ai1ee').toString('base64') });
  assert.ok(r.ok, JSON.stringify(r));
  const id = (r.value as { id: string }).id;
  const deadline = Date.now() + 5000;
  while (!client.summary(id) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
  assert.equal(client.summary(id)?.id, id, 'the host mirrors the list');
  assert.deepEqual(client.fullList().changed.map((s) => s.id), [id]);

  const bad = await client.invoke('ui', 'torrent:pause', { ids: ['../../etc/passwd'] });
  assert.equal(!bad.ok && bad.error.code, 'BAD_ARGUMENT');
  const unknown = await client.invoke('ui', 'shell:exec', { cmd: 'rm -rf /' });
  assert.equal(!unknown.ok && unknown.error.code, 'BAD_ARGUMENT');
});
