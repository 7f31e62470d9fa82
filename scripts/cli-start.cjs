// What `tessera` (bin/tessera.cjs) does at every start, kept in CommonJS: a CommonJS main module
// starts without Node's ES module loader, ~8 ms less per run (a tiny `verify`: 59 → 51 ms).
// Building things (the addon: native-build.mjs; the compiled CLI: cli-bundle.mjs) stays in ES
// modules, loaded only when something is missing or out of date.
'use strict';
const { readdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
// The native hashing addon: its C sources and where it is built.
const SOURCE_DIR = join(ROOT, 'main', 'engine', 'hashing', 'native');
const NATIVE_DIR = join(ROOT, 'node_modules', '.cache', 'tessera-native');
const SHA1X8 = join(NATIVE_DIR, 'sha1x8.node');
// The compiled CLI.
const CACHE = join(ROOT, 'node_modules', '.cache', 'tessera-cli');
// Long-running commands stay ES modules: they import ES-only packages (bencode, bittorrent-dht)
// that a CommonJS file cannot require on Node 20, and a few ms of start-up is nothing to them.
const ESM_COMMANDS = new Set(['download', 'seed', 'tracker']);

/** Newest modification time among the addon's sources (.c and .h), 0 when there are none. */
function sourcesTime() {
  try {
    return Math.max(0, ...readdirSync(SOURCE_DIR).filter((n) => /\.[ch]$/.test(n)).map((n) => statSync(join(SOURCE_DIR, n)).mtimeMs));
  } catch {
    return 0;
  }
}

/** Path of a built addon that is not older than its sources, or null. */
function freshNative() {
  try {
    return statSync(SHA1X8).mtimeMs >= sourcesTime() ? SHA1X8 : null;
  } catch {
    return null;
  }
}

/** The compiled file of a command, relative to a bundle's directory. */
function commandFile(name) {
  return `cmd/${name}.${ESM_COMMANDS.has(name) ? 'js' : 'cjs'}`;
}

/** The file `tessera <command>` runs in the bundle at outdir: the command's own, or index.js. */
function entryFor(outdir, commands, command) {
  return join(outdir, commands.includes(command) ? commandFile(command) : 'index.js');
}

/**
 * The file `tessera <command>` runs if the compiled CLI exists and no input is newer than it, else
 * null: the command's own file, or index.js for help and names that are not commands. A command
 * checks the files its own compiled file was built from; index.js checks them all.
 */
function freshBundle(command, cache = CACHE) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
  const own = manifest.commands.includes(command) ? manifest.commandInputs?.[command] : undefined;
  for (const rel of own ?? manifest.inputs) {
    try {
      if (statSync(join(ROOT, rel)).mtimeMs > manifest.builtAt) return null;
    } catch {
      return null; // an input was deleted or renamed
    }
  }
  return entryFor(join(cache, manifest.dir), manifest.commands, command);
}

/**
 * Runs a compiled command: an ES module through import(); a CommonJS one through vm.Script with
 * V8's code cache (<file>.v8cache), which Node 20 offers for scripts and not for ES modules. The
 * cache is written at exit — so it holds the functions this run compiled, not only the top
 * level — when it is missing or V8 rejected it (another Node version, other flags); one that
 * cannot be written (a read-only install) is not kept. V8 checks a cache against its source's
 * length, not its content: that is safe here because a compiled file is never rewritten in place
 * (each build goes to a new folder, and the cache beside it goes with it).
 */
async function runCompiled(file) {
  if (!file.endsWith('.cjs')) {
    await import(require('node:url').pathToFileURL(file).href);
    return;
  }
  const vm = require('node:vm');
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run of this bundle
  }
  const source = readFileSync(file, 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile); // atomic: a parallel run never reads half a cache
      } catch {
        // read-only: the next run compiles again
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require('node:module').createRequire(file), module, file, dirname(file));
}

module.exports = {
  ROOT, SOURCE_DIR, NATIVE_DIR, SHA1X8, CACHE, ESM_COMMANDS,
  sourcesTime, freshNative, entryFor, freshBundle, runCompiled,
};
