// The worker must load two ways: from source through worker-shim.mjs (CLI, headless) and as the
// esbuild CJS bundle Electron uses. This builds the bundle exactly as scripts/build-electron.mjs
// does and runs the real Session in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { defaultSettings } from './defaults.ts';
import { EngineClient } from './engine-client.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

for (const kind of ['bundle', 'shim'] as const) {
  test(`the real engine worker starts from the ${kind === 'bundle' ? 'esbuild CJS bundle' : 'tsx shim'} and answers commands`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), `tessera-${kind}-`));
    t.after(() => rm(dir, { recursive: true, force: true }));
    let workerFile: string | URL = new URL('./worker-shim.mjs', import.meta.url);
    if (kind === 'bundle') {
      workerFile = join(dir, 'engine-worker.cjs');
      await build({ entryPoints: [join(root, 'main/engine-host/worker.ts')], outfile: workerFile, bundle: true, platform: 'node', format: 'cjs',
        target: 'node20', external: ['electron'], define: { 'import.meta.url': 'undefined' }, logLevel: 'error' });
    }
    const client = await EngineClient.start({
      workerFile,
      init: { stateDir: join(dir, 'engine'), settingsFile: join(dir, 'settings.json'), defaults: defaultSettings(join(dir, 'dl')),
        overrides: { listenPort: 0 }, listenHost: '127.0.0.1', noDht: true },
    });
    t.after(() => client.close());
    assert.ok(client.port > 0);
    const s = await client.invoke('t', 'settings:get', null);
    assert.ok(s.ok);
    const bad = await client.invoke('t', 'torrent:add-file', { torrentBase64: Buffer.from('d4:infoi1ee').toString('base64') });
    assert.equal(!bad.ok && bad.error.code, 'METAINFO_INVALID');
  });
}
