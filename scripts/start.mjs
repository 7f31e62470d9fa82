#!/usr/bin/env node
// `npm start`: the desktop app when an Electron binary is available, else headless mode.
//  1. node_modules/electron has its binary (require('electron') gives a path that exists)
//     → build what is missing, launch Electron on this folder.
//  2. else try Electron's own downloader once (node node_modules/electron/install.js, 60 s cap;
//     .npmrc sets ignore-scripts, so `npm ci` never ran it) and go to 1 if it worked.
//  3. else build the renderer if out/renderer is missing and run `tessera serve`, which prints
//     the URL with its token.
// Extra arguments go to Electron (e.g. a .torrent path) or to `tessera serve` (e.g. --port 0).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

function electronBinary() {
  try {
    const p = require('electron');
    return typeof p === 'string' && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', cwd: root, ...opts });
  return r.status === 0 && !r.error;
}

function npmRun(script) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (!run(npm, ['run', '--silent', script], { shell: process.platform === 'win32' })) {
    console.error(`start: npm run ${script} failed`);
    process.exit(1);
  }
}

const rendererBuilt = () => existsSync(join(root, 'out', 'renderer', 'index.html'));
const electronBuilt = () => ['main.cjs', 'preload.cjs', 'engine-worker.cjs'].every((f) => existsSync(join(root, 'out', 'electron', f)));

function launch(child) {
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

let bin = electronBinary();
// ELECTRON_SKIP_BINARY_DOWNLOAD=1 (Electron's own switch) means: do not try, go headless.
if (!bin && process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') console.error('start: ELECTRON_SKIP_BINARY_DOWNLOAD=1, not downloading Electron');
else if (!bin && existsSync(join(root, 'node_modules', 'electron', 'install.js'))) {
  console.error('start: no Electron binary yet; trying to download it once (60 s)…');
  // The downloader's own output is a stack trace when it fails: keep it, print one line of why.
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], timeout: 60_000, encoding: 'utf8' });
  if (r.status === 0) bin = electronBinary();
  else {
    const why = r.error?.message ?? (r.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? `exit status ${r.status}`;
    console.error(`start: the Electron download failed: ${why.trim()}`);
  }
}

if (bin) {
  if (!rendererBuilt()) npmRun('build:renderer');
  if (!electronBuilt()) npmRun('build:electron');
  // The engine's hash workers find the addon under node_modules/.cache (hashing works without it).
  (await import('./native-build.mjs')).ensureNative();
  console.error('start: launching the desktop app');
  launch(spawn(bin, ['.', ...args], { cwd: root, stdio: 'inherit' }));
} else {
  console.error('start: Electron is not available here; starting headless mode instead (open the URL below in a browser)');
  if (!rendererBuilt()) npmRun('build:renderer');
  launch(spawn(process.execPath, [join(root, 'bin', 'tessera.cjs'), 'serve', ...args], { cwd: root, stdio: 'inherit' }));
}
