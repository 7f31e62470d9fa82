#!/usr/bin/env node
// Bundles the Electron side with esbuild: main, preload and the engine worker, each one CJS file
// in out/electron/. The sandboxed preload must be a single CommonJS file; the worker is bundled
// with all its dependencies because worker_threads cannot load modules from inside app.asar.
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}out/electron`;
await mkdir(outdir, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['electron'],
  logLevel: 'warning',
  // import.meta.url has no meaning in a CJS bundle; the code that needs a path gets it from the
  // caller (main.ts passes app paths), so an empty value must never be reached at run time.
  define: { 'import.meta.url': 'undefined' },
  absWorkingDir: root,
};

const t0 = Date.now();
await Promise.all([
  build({ ...common, entryPoints: ['main/electron/main.ts'], outfile: `${outdir}/main.cjs` }),
  build({ ...common, entryPoints: ['main/preload/preload.ts'], outfile: `${outdir}/preload.cjs` }),
  build({ ...common, entryPoints: ['main/engine-host/worker.ts'], outfile: `${outdir}/engine-worker.cjs` }),
]);
console.log(`build-electron: out/electron/{main,preload,engine-worker}.cjs in ${Date.now() - t0} ms`);
