// The compiled CLI: our TypeScript (main/cli and everything it imports) bundled by esbuild into
// node_modules/.cache/tessera-cli/. bin/tessera.mjs runs it instead of compiling every module
// through tsx at each start (about 0.1 s instead of 0.7 s before any work), and rebuilds it when a
// source file it was built from is newer — so `npx tessera` right after `npm ci` works with no
// build step, and edits show up at the next run. Two builds share a directory:
//  - cmd/<name>.js, one file per subcommand holding that command's code and nothing else (and
//    commander, bundled in): what `tessera <name> …` runs. One module instead of a dozen chunks and
//    commander's seven files saves ~30 ms of module loading per start (tiny `verify`: 88 → 59 ms).
//  - index.js and its chunks (code splitting): every command, for `--help` and unknown names.
// Other npm packages stay external and resolve from node_modules as usual: bundling them all made
// each start load every package (+75 ms).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE = join(ROOT, 'node_modules', '.cache', 'tessera-cli');
const CLI_DIR = join(ROOT, 'main', 'cli');
const ENTRY = join(CLI_DIR, 'index.ts');
// Pure-JS packages compiled into the bundles. commander is on every command's start-up path.
const BUNDLED = new Set(['commander']);
// `serve` runs through tsx (bin/tessera.mjs): it finds the renderer relative to its source file.
const NOT_COMPILED = new Set(['serve']);

/**
 * The file `tessera <command>` runs if the bundle exists and no input is newer than it, else
 * null: the command's own file, or index.js for help and names that are not commands.
 */
export function freshBundle(command) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(CACHE, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(manifest.commands)) return null; // a bundle from before per-command files
  for (const rel of manifest.inputs) {
    try {
      if (statSync(join(ROOT, rel)).mtimeMs > manifest.builtAt) return null;
    } catch {
      return null; // an input was deleted or renamed
    }
  }
  return entryFor(join(CACHE, manifest.dir), manifest.commands, command);
}

function entryFor(outdir, commands, command) {
  return commands.includes(command) ? join(outdir, 'cmd', `${command}.js`) : join(outdir, 'index.js');
}

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
      return { contents: `import { runCli } from './run.ts';\nawait runCli({ ${a.path}: () => import('${file}') });\n`, resolveDir: CLI_DIR, loader: 'ts' };
    });
  },
});

// npm packages stay external (resolved from node_modules at run time) except BUNDLED ones.
const externalPackages = {
  name: 'tessera-external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (a.namespace === 'tessera-cmd' && a.path.startsWith('tessera-cmd:')) return undefined;
      const pkg = a.path.startsWith('@') ? a.path.split('/').slice(0, 2).join('/') : a.path.split('/')[0];
      if (pkg.startsWith('node:') || builtinModules.includes(pkg) || !BUNDLED.has(pkg)) return { path: a.path, external: true };
      return undefined;
    });
  },
};

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
  const [all, each] = await Promise.all([
    build({ ...common, entryPoints: { index: ENTRY }, splitting: true, outdir, plugins: [externalPackages] }),
    build({
      ...common,
      entryPoints: Object.fromEntries(commands.map(({ name }) => [name, `tessera-cmd:${name}`])),
      outdir: join(outdir, 'cmd'),
      plugins: [commandEntries(commands), externalPackages],
    }),
  ]);
  const inputs = [...new Set([...Object.keys(all.metafile.inputs), ...Object.keys(each.metafile.inputs)])]
    .filter((rel) => !rel.startsWith('tessera-cmd:'));
  const names = commands.map(({ name }) => name);
  const tmp = join(CACHE, `manifest.${process.pid}.json`);
  writeFileSync(tmp, JSON.stringify({ dir, builtAt, inputs, commands: names }));
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
