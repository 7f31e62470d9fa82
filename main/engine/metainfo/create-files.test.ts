import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { compareUtf8, listSourceFiles } from './create-files.ts';
import { nativeForTests } from '../hashing/native-for-tests.ts';
import { NativeReader } from '../hashing/native-reader.ts';
import { TesseraError } from '../errors.ts';

const native = await nativeForTests('create-files');
const reader = native.x8 ? new NativeReader(native.x8, 1) : null;

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
      // The sizes through the addon's batched stat are the same.
      if (reader) assert.deepEqual(await listSourceFiles(path.join(root, 'src'), { native: reader }), got);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }), { numRuns: 40 });
});

test('listSourceFiles: a file that is gone by the time its size is read is an error, not a silent omission', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tessera-walk-'));
  try {
    mkdirSync(path.join(root, 'src'));
    writeFileSync(path.join(root, 'src', 'a'), 'x');
    writeFileSync(path.join(root, 'src', 'b'), 'yy');
    const vanishing = { statFiles: (paths: string[]) => Float64Array.from(paths, (p) => (p.endsWith('b') ? -1 : 1)) };
    await assert.rejects(listSourceFiles(path.join(root, 'src'), { native: vanishing }),
      (e: unknown) => e instanceof TesseraError && e.code === 'NOT_FOUND' && /^b: no longer a file/.test(e.message));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('compareUtf8 orders any two names as their UTF-8 bytes do', () => {
  // Lone surrogates cannot come from readdir (Node decodes file names from UTF-8), so well-formed strings only.
  const name = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('a', 'é', '\uffff', '\ue000', '😀', '𝄞', '\ud7ff') }));
  fc.assert(fc.property(name, name, (a, b) => {
    assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }), { numRuns: 3000 });
});
