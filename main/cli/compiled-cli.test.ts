// The compiled CLI (scripts/cli-bundle.mjs): one file per command, CommonJS ones loaded with V8's
// code cache, and a build that refuses what a CommonJS bundle could not load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BUNDLER = fileURLToPath(new URL('../../scripts/cli-bundle.mjs', import.meta.url));
const START = fileURLToPath(new URL('../../scripts/cli-start.cjs', import.meta.url));
const bundler = (await import(pathToFileURL(BUNDLER).href)) as {
  buildBundle(command?: string): Promise<string>;
  externalPackages(format: string): unknown;
};
const start = (await import(pathToFileURL(START).href)).default as {
  freshBundle(command: string, cache?: string): string | null;
  ROOT: string;
};

function runCompiledIn(file: string): { stdout: string; status: number | null } {
  const code = `import(${JSON.stringify(pathToFileURL(START).href)}).then((m) => m.default.runCompiled(${JSON.stringify(file)}))`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.stderr, '');
  return { stdout: r.stdout, status: r.status };
}

test('runCompiled runs a CommonJS file, keeps its code cache, and replaces a cache V8 rejects', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-compiled-'));
  try {
    const file = join(dir, 'cmd.cjs');
    await writeFile(file, `'use strict'; const { basename } = require('node:path');
      function twice(n) { return n * 2; }
      Promise.resolve().then(() => require('node:os')).then((os) => console.log(basename(__filename), twice(21), typeof os.cpus, typeof module.exports));\n`);
    const cache = `${file}.v8cache`;
    assert.deepEqual(runCompiledIn(file), { stdout: 'cmd.cjs 42 function object\n', status: 0 });
    const first = await stat(cache);
    assert.ok(first.size > 0, 'the first run writes the code cache');

    assert.deepEqual(runCompiledIn(file), { stdout: 'cmd.cjs 42 function object\n', status: 0 });
    assert.equal((await stat(cache)).mtimeMs, first.mtimeMs, 'an accepted cache is not rewritten');

    await writeFile(cache, Buffer.from('not a code cache'));
    assert.deepEqual(runCompiledIn(file), { stdout: 'cmd.cjs 42 function object\n', status: 0 });
    const replaced = await readFile(cache);
    assert.notEqual(replaced.toString(), 'not a code cache', 'a rejected cache is replaced');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('each command has its own compiled file; help and unknown names run the whole CLI', async () => {
  if (!start.freshBundle('verify')) await bundler.buildBundle('verify');
  assert.match(start.freshBundle('verify') ?? '', /[/\\]cmd[/\\]verify\.cjs$/);
  assert.match(start.freshBundle('create') ?? '', /[/\\]cmd[/\\]create\.cjs$/);
  assert.match(start.freshBundle('download') ?? '', /[/\\]cmd[/\\]download\.js$/, 'long-running commands stay ES modules');
  assert.match(start.freshBundle('--help') ?? '', /[/\\]index\.js$/);
  assert.match(start.freshBundle('nosuch') ?? '', /[/\\]index\.js$/);
});

test('a command is stale when a file its own compiled file was built from changes, and only then', async () => {
  const { freshBundle } = start;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-compiled-'));
  try {
    const own = join(dir, 'verify-source.ts');
    const other = join(dir, 'download-source.ts');
    await writeFile(own, '');
    await writeFile(other, '');
    const builtAt = Date.now();
    const rel = (p: string): string => relative(start.ROOT, p);
    const manifest = { dir: 'build-1', builtAt, commands: ['verify', 'download'], inputs: [rel(own), rel(other)], commandInputs: { verify: [rel(own)], download: [rel(other)] } };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const later = new Date(builtAt + 60_000);
    await utimes(own, later, later);
    assert.equal(freshBundle('verify', dir), null, 'its own input changed');
    assert.equal(freshBundle('--help', dir), null, 'help checks every input');
    await utimes(own, new Date(builtAt - 60_000), new Date(builtAt - 60_000));
    await utimes(other, later, later);
    assert.equal(freshBundle('verify', dir), join(dir, 'build-1', 'cmd', 'verify.cjs'), 'another command\'s input does not matter');
    assert.equal(freshBundle('download', dir), null);
    await rm(own);
    assert.equal(freshBundle('verify', dir), null, 'an input that is gone');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a CommonJS command bundle that would import an ES-only package fails to build, naming the fix', async () => {
  const { build } = await import('esbuild');
  const dir = await mkdtemp(join(tmpdir(), 'tessera-compiled-'));
  try {
    const entry = join(dir, 'entry.ts');
    await writeFile(entry, "import bencode from 'bencode';\nconsole.log(bencode);\n");
    await assert.rejects(
      build({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'silent', absWorkingDir: start.ROOT,
        plugins: [bundler.externalPackages('cjs') as never] }),
      /bencode is ES-only.*ESM_COMMANDS/s,
    );
    // A dynamic import is refused too (the CommonJS bundles turn import() into require()) …
    await writeFile(entry, "export const load = () => import('bencode');\n");
    await assert.rejects(
      build({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'silent', absWorkingDir: start.ROOT,
        plugins: [bundler.externalPackages('cjs') as never] }),
      /bencode is ES-only/,
    );
    // … and in an ES module bundle the import stays external.
    await writeFile(entry, "import bencode from 'bencode';\nconsole.log(bencode);\n");
    const ok = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent', absWorkingDir: start.ROOT,
      plugins: [bundler.externalPackages('esm') as never] });
    assert.match(ok.outputFiles[0]!.text, /from "bencode"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
