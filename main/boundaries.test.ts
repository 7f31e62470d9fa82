// Keeps the architecture honest (../shared/STYLE.md §1): the pure cores import no sockets, no
// files and no Electron, and only main/electron imports 'electron'. A cheap static scan instead
// of a lint plugin: it runs with the unit tests, so a stray import fails CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specs.push((m[1] ?? m[2]) as string);
  }
  return specs;
}

const IO = /^(node:)?(net|dgram|fs|fs\/promises|http|https|child_process|worker_threads|tls|dns)$|^electron$/;

const pureFolders = ['main/engine/bencode', 'main/engine/wire', 'main/engine/pieces', 'main/engine/choker', 'main/engine/rate', 'main/tracker/protocol', 'shared'];

for (const folder of pureFolders) {
  test(`${folder} is pure (no sockets, files or electron)`, () => {
    for (const file of sources(join(root, folder))) {
      for (const spec of importsOf(file)) {
        assert.ok(!IO.test(spec), `${relative(root, file)} imports ${spec}`);
      }
    }
  });
}

test("only main/electron imports 'electron'", () => {
  for (const folder of ['main', 'renderer', 'shared']) {
    for (const file of sources(join(root, folder))) {
      const rel = relative(root, file);
      if (rel.startsWith('main/electron/') || rel.startsWith('main/preload/')) continue;
      for (const spec of importsOf(file)) assert.notEqual(spec, 'electron', `${rel} imports electron`);
    }
  }
});

test('the renderer imports no Node modules', () => {
  for (const file of sources(join(root, 'renderer'))) {
    const rel = relative(root, file);
    if (rel.endsWith('vite.config.ts')) continue;
    for (const spec of importsOf(file)) assert.ok(!/^node:/.test(spec), `${rel} imports ${spec}`);
  }
});
