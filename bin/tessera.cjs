#!/usr/bin/env node
// `tessera`: runs the CLI compiled by esbuild (scripts/cli-bundle.mjs: built on first use and
// whenever a source file is newer; one file per subcommand), so start-up costs about 0.05 s
// instead of tsx's 0.7 s. Falls back to compiling the TypeScript through tsx when esbuild is
// missing or the build fails. `serve` always runs through tsx: it locates the renderer and the
// engine worker relative to its own source file. CommonJS, like the start-up checks it runs
// (scripts/cli-start.cjs): no ES module loader before the command's own code.
'use strict';
const start = require('../scripts/cli-start.cjs');

/** The compiled file to run, or null to use tsx. */
async function compiledEntry(command) {
  if (command === 'serve' || process.env.TESSERA_CLI_TSX === '1') return null;
  const fresh = start.freshBundle(command);
  if (fresh) return fresh;
  try {
    const { buildBundle, pruneBundles } = await import('../scripts/cli-bundle.mjs');
    const built = await buildBundle(command);
    pruneBundles();
    return built;
  } catch (e) {
    if (process.argv.includes('--debug')) console.error(`tessera: compiled CLI unavailable, using tsx (${e instanceof Error ? e.message : e})`);
    return null;
  }
}

async function main() {
  // The native hashing addon (scripts/native-build.mjs): built on first use like the compiled
  // CLI; a failed build is not retried until its source changes.
  if (!start.freshNative()) {
    try {
      (await import('../scripts/native-build.mjs')).ensureNative();
    } catch {
      // hashing falls back to node:crypto
    }
  }
  const entry = await compiledEntry(process.argv[2]);
  if (entry) return start.runCompiled(entry);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../main/cli/index.ts');
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
