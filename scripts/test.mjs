#!/usr/bin/env node
// The one test command (README, .ci/run): installs the Debian reference tools when it can,
// type-checks the tree (tsc), then runs every *.test.ts under main/, shared/, renderer/ with
// node's test runner, then e2e. A filter skips the type check and e2e.
//   node scripts/test.mjs            everything
//   node scripts/test.mjs --unit     unit tests only (no reference tools, no browser)
//   node scripts/test.mjs <filter>   only test files whose path contains <filter>
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

// Debian reference peers used by the interop tests (../shared/REFERENCE-PEERS.md), and wrk, the
// HTTP load generator of `npm run bench:tracker` (installed alongside; no test needs it).
const APT_PACKAGES = ['python3-libtorrent', 'mktorrent', 'opentracker', 'transmission-cli', 'aria2', 'chromium', 'wrk'];
function have(cmd) { return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0; }
function haveLibtorrent() { return spawnSync('/usr/bin/python3', ['-c', 'import libtorrent'], { stdio: 'ignore' }).status === 0; }

if (!unitOnly) {
  const missing = !haveLibtorrent() || !['mktorrent', 'opentracker', 'transmission-cli', 'aria2c', 'chromium'].every(have);
  if (missing) {
    if (process.getuid?.() === 0 && have('apt-get')) {
      console.log(`[test] installing reference tools: ${APT_PACKAGES.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
      const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], { stdio: 'inherit', env });
      if (r.status !== 0) console.error('[test] apt-get install failed; interop tests will be skipped (and fail under CI=true)');
    } else {
      console.error(`[test] reference tools missing and not root: install them with\n  sudo apt-get install ${APT_PACKAGES.join(' ')}\n` +
        'Interop tests that need them are SKIPPED (and fail under CI=true).');
    }
  }
}

// The optional native SHA-1 addon (scripts/native-build.mjs): its tests need it, and under
// CI=true they fail when it cannot be built.
{
  const { ensureNative } = await import('./native-build.mjs');
  const { path, note } = ensureNative({ retry: true });
  console.log(`[test] native sha1x8 addon: ${note}${path ? '' : ' — hashing falls back to node:crypto'}`);
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) out.push(p);
  }
  return out;
}
let files = [];
for (const d of ['shared', 'main', 'renderer']) if (existsSync(join(root, d))) walk(join(root, d), files);
files = files.map((f) => relative(root, f)).sort();
if (unitOnly) files = files.filter((f) => !f.includes('.interop.'));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));

let status = 0;
// The whole tree type-checks (main, the Electron shell and preload, renderer, shared, e2e, bench,
// scripts): tsx strips types without checking them, so the tests alone would not catch a type error.
if (!filters.length) {
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) { console.error('[test] type check failed (tsc -p tsconfig.json)'); status = 1; } else console.log('[test] type check: ok');
}
if (files.length) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) status = r.status ?? 1;
} else {
  console.error('[test] no test files matched');
  status = 1;
}

if (!unitOnly && !filters.length && existsSync(join(root, 'e2e', 'run.mjs'))) {
  const r = spawnSync(process.execPath, [join(root, 'e2e', 'run.mjs')], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
