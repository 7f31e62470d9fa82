#!/usr/bin/env node
// `npm test` calls this after the unit tests: builds what the e2e specs need, then runs them
// (e2e/runner.ts) against a real headless engine in Debian's Chromium, and in Electron when its
// binary exists. Its last line is always `N passed, N failed[, N skipped]`.
//   node e2e/run.mjs [spec-name-substring…]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const ci = process.env.CI === 'true';

function finish(passed, failed, skipped) {
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed ? 1 : 0);
}

if (!existsSync(CHROMIUM)) {
  const msg = `E2E: ${CHROMIUM} is missing (apt-get install chromium); the Playwright specs did not run`;
  if (ci) { console.error(`${msg}; CI=true requires them`); finish(0, 1, 0); }
  console.error(`\n*** SKIPPED: ${msg}\n`);
  finish(0, 0, 1);
}

function npmRun(script) {
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

// Build the renderer when out/renderer is missing or older than any renderer/ or shared/ source.
function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}
const index = join(root, 'out', 'renderer', 'index.html');
const stale = !existsSync(index) || statSync(index).mtimeMs < Math.max(newestMtime(join(root, 'renderer')), newestMtime(join(root, 'shared')));
if (stale) {
  console.log('[e2e] building the renderer');
  if (!npmRun('build:renderer')) { console.error('[e2e] renderer build failed'); finish(0, 1, 0); }
}
let electron;
try {
  const p = createRequire(import.meta.url)('electron');
  electron = typeof p === 'string' && existsSync(p) ? p : undefined;
} catch { electron = undefined; }
if (electron) {
  console.log('[e2e] building the Electron bundles');
  if (!npmRun('build:electron')) { console.error('[e2e] electron build failed'); finish(0, 1, 0); }
}

const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'e2e', 'runner.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
