#!/usr/bin/env node
// `tessera`: runs the CLI compiled by esbuild (scripts/cli-bundle.mjs: built on first use and
// whenever a source file is newer; one file per subcommand), so start-up costs about 0.06 s
// instead of tsx's 0.7 s. Falls
// back to compiling the TypeScript through tsx when esbuild is missing or the build fails.
// `serve` always runs through tsx: it locates the renderer and the engine worker relative to its
// own source file.

/** Returns a function that runs the compiled CLI, or null to use tsx. */
async function compiledCli() {
  if (process.argv[2] === 'serve' || process.env.TESSERA_CLI_TSX === '1') return null;
  try {
    const { freshBundle, buildBundle, pruneBundles, runCompiled } = await import('../scripts/cli-bundle.mjs');
    let entry = freshBundle(process.argv[2]);
    if (!entry) {
      entry = await buildBundle(process.argv[2]);
      pruneBundles();
    }
    return () => runCompiled(entry);
  } catch (e) {
    if (process.argv.includes('--debug')) console.error(`tessera: compiled CLI unavailable, using tsx (${e instanceof Error ? e.message : e})`);
    return null;
  }
}

// The native SHA-1 addon the hash lanes use when it is there (scripts/native-build.mjs): built on
// first use like the bundle; a failed build is not retried until its source changes.
try {
  (await import('../scripts/native-build.mjs')).ensureNative();
} catch {
  // hashing falls back to node:crypto
}

const runCompiled = await compiledCli();
if (runCompiled) {
  await runCompiled();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../main/cli/index.ts');
}
