// Interop tests need Debian's reference peers (../shared/REFERENCE-PEERS.md). A missing tool
// skips the test loudly; under CI=true a missing tool fails the test instead, so CI can never
// pass an interop test silently.
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

export const PYTHON = '/usr/bin/python3';

const cache = new Map<string, boolean>();

function probe(tool: string): boolean {
  const hit = cache.get(tool);
  if (hit !== undefined) return hit;
  const ok = tool === 'libtorrent'
    ? spawnSync(PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore' }).status === 0
    : spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
  cache.set(tool, ok);
  return ok;
}

/** Returns true when every tool is present; otherwise skips the test (or fails it under CI). */
export function requireTools(t: TestContext, ...tools: string[]): boolean {
  const missing = tools.filter((x) => !probe(x));
  if (missing.length === 0) return true;
  const msg = `REFERENCE TOOL MISSING: ${missing.join(', ')} — interop test not run (apt-get install python3-libtorrent mktorrent opentracker transmission-cli aria2)`;
  if (process.env.CI === 'true') throw new Error(`${msg}; CI=true requires every interop test to run`);
  console.error(`\n*** SKIPPED: ${msg}\n`);
  t.skip(msg);
  return false;
}
