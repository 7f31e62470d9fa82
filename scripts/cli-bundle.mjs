// The compiled CLI: our TypeScript (main/cli and everything it imports) bundled by esbuild into
// node_modules/.cache/tessera-cli/, one chunk per subcommand (code splitting), npm packages left
// external and resolved from node_modules as usual. bin/tessera.mjs runs it instead of compiling
// every module through tsx at each start (about 0.1 s instead of 0.7 s before any work), and
// rebuilds it when a source file it was built from is newer — so `npx tessera` right after
// `npm ci` works with no build step, and edits show up at the next run.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE = join(ROOT, 'node_modules', '.cache', 'tessera-cli');
const ENTRY = join(ROOT, 'main', 'cli', 'index.ts');

/** The bundle's entry file if it exists and no input is newer than it, else null. */
export function freshBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(CACHE, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
  const entry = join(CACHE, manifest.dir, 'index.js');
  for (const rel of manifest.inputs) {
    try {
      if (statSync(join(ROOT, rel)).mtimeMs > manifest.builtAt) return null;
    } catch {
      return null; // an input was deleted or renamed
    }
  }
  return entry;
}

/**
 * Builds into a fresh directory and switches the manifest to it with an atomic rename, so two
 * processes building at once (tests run in parallel) never see a half-written bundle.
 */
export async function buildBundle() {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  const dir = `build-${process.pid}-${builtAt}`;
  const outdir = join(CACHE, dir);
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { index: ENTRY },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir,
    absWorkingDir: ROOT,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const tmp = join(CACHE, `manifest.${process.pid}.json`);
  writeFileSync(tmp, JSON.stringify({ dir, builtAt, inputs }));
  renameSync(tmp, join(CACHE, 'manifest.json'));
  return join(outdir, 'index.js');
}

/** Removes bundles other than the current one that are over ten minutes old (a process started
 * from an older bundle may still be loading its chunks). Failures are harmless. */
export function pruneBundles() {
  try {
    const current = JSON.parse(readFileSync(join(CACHE, 'manifest.json'), 'utf8')).dir;
    for (const name of readdirSync(CACHE)) {
      const stamp = Number(name.split('-')[2]);
      if (name.startsWith('build-') && name !== current && Date.now() - stamp > 600_000) rmSync(join(CACHE, name), { recursive: true, force: true });
    }
  } catch {
    // another process may be pruning or building at the same time
  }
}
