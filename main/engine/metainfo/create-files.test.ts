import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { compareUtf8, listSourceFiles } from './create-files.ts';

/** The files under `root` the plain way: one synchronous call after another, sorted by path bytes. */
function reference(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string[]): void => {
    for (const e of readdirSync(dir)) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p, [...rel, e]);
      else out.push([...rel, e].join('/'));
    }
  };
  walk(root, []);
  const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
  return out.map((p) => p.split('/')).sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = Buffer.compare(bytes(a[i] as string), bytes(b[i] as string));
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }).map((p) => p.join('/'));
}

test('listSourceFiles: the parallel walk finds exactly the files of a random tree, in path byte order, with their sizes', async () => {
  const name = fc.stringMatching(/^[a-zA-Z0-9é_.-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
  const tree = fc.array(fc.record({ dirs: fc.array(name, { maxLength: 3 }), file: name, size: fc.integer({ min: 0, max: 3000 }) }), { minLength: 1, maxLength: 60 });
  await fc.assert(fc.asyncProperty(tree, async (specs) => {
    const root = mkdtempSync(path.join(tmpdir(), 'tessera-walk-'));
    try {
      for (const s of specs) {
        const dir = path.join(root, 'src', ...s.dirs);
        try {
          mkdirSync(dir, { recursive: true });
          writeFileSync(path.join(dir, s.file), new Uint8Array(s.size));
        } catch {
          // a name already taken by a folder (or a file where a folder should go): not part of the tree
        }
      }
      const want = reference(path.join(root, 'src'));
      const got = await listSourceFiles(path.join(root, 'src'));
      assert.deepEqual(got.files.map((f) => f.path.join('/')), want);
      for (const f of got.files) assert.equal(f.length, statSync(f.abs).size);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }), { numRuns: 40 });
});

test('compareUtf8 orders any two names as their UTF-8 bytes do', () => {
  // Lone surrogates cannot come from readdir (Node decodes file names from UTF-8), so well-formed strings only.
  const name = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('a', 'é', '\uffff', '\ue000', '😀', '𝄞', '\ud7ff') }));
  fc.assert(fc.property(name, name, (a, b) => {
    assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }), { numRuns: 3000 });
});
