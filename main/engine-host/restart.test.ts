// Settings and the torrent list survive a restart of the engine (the app restores both at start).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../shared/contract.ts';
import { createTorrent } from '../engine/metainfo/create-torrent.ts';
import { defaultSettings } from './defaults.ts';
import { EngineClient } from './engine-client.ts';

async function until<T>(get: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a restarted engine restores the saved settings and torrent list', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-restart-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'a.bin'), Buffer.alloc(100_000, 7));
  const { bytes, meta } = await createTorrent(join(dir, 'src', 'a.bin'), { pieceLength: 16384 });
  const start = () => EngineClient.start({
    workerFile: new URL('./worker-shim.mjs', import.meta.url),
    init: { stateDir: join(dir, 'engine'), settingsFile: join(dir, 'settings.json'), defaults: defaultSettings(join(dir, 'dl')),
      overrides: { listenPort: 0 }, listenHost: '127.0.0.1', noDht: true },
  });

  const first = await start();
  const added = await first.invoke('ui', 'torrent:add-file', { torrentBase64: Buffer.from(bytes).toString('base64'), paused: true });
  assert.ok(added.ok, JSON.stringify(added));
  const id = (added.value as { id: string }).id;
  assert.ok((await first.invoke('ui', 'settings:set', { maxUploadRate: 12345, theme: 'dark' })).ok);
  await first.close();

  const second = await start();
  t.after(() => second.close());
  const restored = await until(() => second.summary(id));
  assert.equal(restored.name, meta.name);
  const s = await second.invoke('ui', 'settings:get', null);
  assert.ok(s.ok);
  assert.equal((s.value as Settings).maxUploadRate, 12345);
  assert.equal((s.value as Settings).theme, 'dark');
});
