// The compiled CLI: our TypeScript (main/cli and everything it imports) bundled by esbuild into
// node_modules/.cache/tessera-cli/. bin/tessera.cjs runs it instead of compiling every module
// through tsx at each start (about 0.1 s instead of 0.7 s before any work), and rebuilds it when a
// source file it was built from is newer — so `npx tessera` right after `npm ci` works with no
// build step, and edits show up at the next run. Two builds share a directory:
//  - cmd/<name>.cjs (or .js), one file per subcommand holding that command's code and nothing else
//    (and commander, bundled in): what `tessera <name> …` runs. One module instead of a dozen
//    chunks and commander's seven files saves ~25 ms of module loading per start.
//  - index.js and its chunks (code splitting): every command, for `--help` and unknown names.
// Other npm packages stay external and resolve from node_modules as usual: bundling them all made
// each start load every package (+75 ms).
// The short commands (create, info, verify, magnet: their start-up is a large part of their run)
// are CommonJS so that runCompiled (cli-start.cjs) can load them through vm.Script with V8's code
// cache: the first run saves the compiled code next to the file and later runs skip parsing and
// compiling it (~10 ms of a tiny `verify`'s ~60). Finding and running the compiled file at each
// start is cli-start.cjs's job; this module only builds.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import start from './cli-start.cjs';

const { ROOT, CACHE, ESM_COMMANDS, entryFor } = start;
const CLI_DIR = join(ROOT, 'main', 'cli');
const ENTRY = join(CLI_DIR, 'index.ts');
// Pure-JS packages compiled into the bundles. commander is on every command's start-up path.
const BUNDLED = new Set(['commander']);
// `serve` runs through tsx (bin/tessera.cjs): it finds the renderer relative to its source file.
const NOT_COMPILED = new Set(['serve']);

/** The subcommands index.ts registers (`name: () => import('./commands/file.ts')`). */
function commandModules() {
  const source = readFileSync(ENTRY, 'utf8');
  return [...source.matchAll(/^\s*(\w+): \(\) => import\('(\.\/commands\/[\w-]+\.ts)'\)/gm)]
    .map(([, name, file]) => ({ name, file }))
    .filter(({ name }) => !NOT_COMPILED.has(name));
}

// cmd/<name>.js's source: the runner given that one command.
const commandEntries = (commands) => ({
  name: 'tessera-command-entries',
  setup(b) {
    b.onResolve({ filter: /^tessera-cmd:/ }, (a) => ({ path: a.path.slice('tessera-cmd:'.length), namespace: 'tessera-cmd' }));
    b.onLoad({ filter: /.*/, namespace: 'tessera-cmd' }, (a) => {
      const { file } = commands.find((c) => c.name === a.path);
      return { contents: `import { runCli } from './run.ts';\nvoid runCli({ ${a.path}: () => import('${file}') });\n`, resolveDir: CLI_DIR, loader: 'ts' };
    });
  },
});

// npm packages stay external (resolved from node_modules at run time) except BUNDLED ones. In a
// CommonJS bundle every import of a package becomes a require, which on Node 20 cannot load an
// ES-only package: such an import fails the build instead, naming the command to move to
// ESM_COMMANDS.
export const externalPackages = (format) => ({
  name: 'tessera-external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (a.path.startsWith('tessera-cmd:')) return undefined;
      const pkg = a.path.startsWith('@') ? a.path.split('/').slice(0, 2).join('/') : a.path.split('/')[0];
      if (pkg.startsWith('node:') || builtinModules.includes(pkg)) return { path: a.path, external: true };
      if (BUNDLED.has(pkg)) return undefined;
      if (format === 'cjs' && esOnly(pkg)) {
        return { errors: [{ text: `${pkg} is ES-only: a CommonJS command bundle cannot require it (add the command to ESM_COMMANDS)` }] };
      }
      return { path: a.path, external: true };
    });
  },
});

function esOnly(pkg) {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).type === 'module';
  } catch {
    return false; // not installed at the top level: left for Node to resolve
  }
}

/**
 * Builds into a fresh directory and switches the manifest to it with an atomic rename, so two
 * processes building at once (tests run in parallel) never see a half-written bundle. Returns
 * the file `tessera <command>` runs.
 */
export async function buildBundle(command) {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  const dir = `build-${process.pid}-${builtAt}`;
  const outdir = join(CACHE, dir);
  mkdirSync(outdir, { recursive: true });
  const commands = commandModules();
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    absWorkingDir: ROOT,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    // A bundled CommonJS package (commander) requires Node's built-ins; an ES module has no require.
    banner: { js: "import { createRequire as __tesseraRequire } from 'node:module'; const require = __tesseraRequire(import.meta.url);" },
  };
  const perCommand = (names, format) => build({
    ...common,
    entryPoints: Object.fromEntries(names.map((name) => [name, `tessera-cmd:${name}`])),
    outdir: join(outdir, 'cmd'),
    plugins: [commandEntries(commands), externalPackages(format)],
    ...(format === 'cjs' ? {
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      // import() becomes require() too: the file runs as a vm.Script, where import() would need
      // a loader that is still experimental on Node 20.
      supported: { 'dynamic-import': false },
      // import.meta.url (which an ES module has and a script has not) is the file's own URL, set
      // in the banner.
      define: { 'import.meta.url': '__tesseraUrl' },
      // 'use strict': our sources are ES modules, strict by definition; the bundle keeps them so.
      banner: { js: "'use strict'; const __tesseraUrl = require('node:url').pathToFileURL(__filename).href;" },
    } : {}),
  });
  const names = commands.map(({ name }) => name);
  const builds = await Promise.all([
    build({ ...common, entryPoints: { index: ENTRY }, splitting: true, outdir, plugins: [externalPackages('esm')] }),
    perCommand(names.filter((n) => ESM_COMMANDS.has(n)), 'esm'),
    perCommand(names.filter((n) => !ESM_COMMANDS.has(n)), 'cjs'),
  ]);
  // What each compiled command was built from, so a start checks only its own command's files
  // (verify: ~60 instead of ~160); `inputs`, everything, is what index.js (help) checks. The
  // scripts that build and start the CLI are inputs too: a bundle from an older version of them
  // is rebuilt.
  const ours = (list) => ['scripts/cli-bundle.mjs', 'scripts/cli-start.cjs', ...list.filter((rel) => !rel.startsWith('tessera-cmd:'))];
  const inputs = [...new Set(ours(builds.flatMap((b) => Object.keys(b.metafile.inputs))))];
  const commandInputs = {};
  for (const b of builds.slice(1)) {
    for (const [out, { entryPoint, inputs: used }] of Object.entries(b.metafile.outputs)) {
      if (entryPoint?.startsWith('tessera-cmd:') && !out.endsWith('.map')) commandInputs[entryPoint.slice('tessera-cmd:'.length)] = ours(Object.keys(used));
    }
  }
  const tmp = join(CACHE, `manifest.${process.pid}.json`);
  writeFileSync(tmp, JSON.stringify({ dir, builtAt, inputs, commands: names, commandInputs }));
  renameSync(tmp, join(CACHE, 'manifest.json'));
  return entryFor(outdir, names, command);
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
