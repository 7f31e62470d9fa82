// Bench processes that stand for Tessera (a tracker, a peer) run compiled by esbuild, as
// `tessera` runs (scripts/cli-bundle.mjs), not under tsx: tsx's on-the-fly transform wraps every
// function expression in a keep-names call, a cost per closure that shows on hot paths (several
// µs per tracker connection). Bundles go under node_modules/.cache so npm packages resolve.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'node_modules', '.cache', 'tessera-bench');

/** Bundles `entry` (a path under the repo) and returns the .mjs to run with plain node. */
export async function compiled(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const name = entry.replace(/^.*\//, '').replace(/\.ts$/, '');
  const outfile = join(OUT, `${name}.mjs`);
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'silent' });
  return outfile;
}
