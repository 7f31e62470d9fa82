#!/usr/bin/env node
// Builds the optional native hashing addon (main/engine/hashing/native/sha1x8.c and the SHA-1 and
// SHA-256 lane code it includes; Node-API) into
// node_modules/.cache/tessera-native/sha1x8.node with the C compiler and Node's own headers, when
// the file is missing or older than its source. Run by `npm test`, `npm start`, the benchmarks and
// bin/tessera.cjs; .npmrc's ignore-scripts means `npm ci` never compiles anything. Without a
// compiler (or on Windows) nothing is built and hashing uses node:crypto: slower, never wrong.
//   node scripts/native-build.mjs     build if needed (retrying a failed build) and say what happened
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
// Paths and the freshness check are shared with bin/tessera.cjs, which checks at every start.
import start from './cli-start.cjs';

export const { NATIVE_DIR, SHA1X8, freshNative } = start;
const { SOURCE_DIR, sourcesTime } = start;
// The unit compiled; it includes the .h files beside it (the SHA-1 and SHA-256 lanes, the SIMD helpers).
const SOURCE = join(SOURCE_DIR, 'sha1x8.c');
// Written when a build fails, so later runs do not retry until the source changes (or it is deleted).
const FAILED = join(NATIVE_DIR, 'sha1x8.failed');

function nodeHeaders() {
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
  return candidates.find((d) => existsSync(join(d, 'node_api.h'))) ?? null;
}

/** Builds the addon if needed; returns { path, note }: path null when it could not be built. */
export function ensureNative({ retry = false } = {}) {
  const fresh = freshNative();
  if (fresh) return { path: fresh, note: 'up to date' };
  if (!retry) {
    try {
      if (statSync(FAILED).mtimeMs >= sourcesTime()) return { path: null, note: `an earlier build failed (${readFileSync(FAILED, 'utf8').trim()})` };
    } catch {
      // no failure on record
    }
  }
  if (process.platform === 'win32') return { path: null, note: 'not built on Windows (node:crypto is used)' };
  if (!existsSync(SOURCE)) return { path: null, note: `missing ${SOURCE}` };
  const include = nodeHeaders();
  if (!include) return { path: null, note: "Node's headers (node_api.h) not found" };
  const cc = process.env.CC || 'cc';
  mkdirSync(NATIVE_DIR, { recursive: true });
  const tmp = join(NATIVE_DIR, `sha1x8.${process.pid}.node`);
  const args = ['-O3', '-std=gnu11', '-Wall', '-pthread', '-shared', '-fPIC', '-fvisibility=hidden', `-I${include}`, SOURCE, '-o', tmp];
  if (process.platform === 'darwin') args.push('-undefined', 'dynamic_lookup');
  // Loaded only here: bin/tessera.cjs checks freshness at every start, and node:child_process
  // costs ~7 ms to load.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process');
  const r = spawnSync(cc, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    const note = `${cc} failed: ${(r.error?.message ?? r.stderr ?? '').trim().split('\n').slice(0, 3).join(' ')}`;
    writeFileSync(FAILED, `${note}\n`);
    return { path: null, note };
  }
  renameSync(tmp, SHA1X8); // atomic: a parallel process never loads a half-written file
  rmSync(FAILED, { force: true });
  return { path: SHA1X8, note: 'built' };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { path, note } = ensureNative({ retry: true });
  console.log(`[native] sha1x8: ${note}${path ? ` (${path})` : ''}`);
}
