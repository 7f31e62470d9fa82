import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { safeJoin } from './safe-path.ts';
import { TesseraError } from '../errors.ts';

const root = path.resolve('/tmp/tessera-root');

test('joins ordinary components under the root', () => {
  assert.equal(safeJoin(root, ['a', 'b.txt']), path.join(root, 'a', 'b.txt'));
  assert.equal(safeJoin(root, ['.hidden', '..dots..', 'x y']), path.join(root, '.hidden', '..dots..', 'x y'));
  // A root that is the file-system root, or ends in a separator, or is relative.
  assert.equal(safeJoin(path.parse(root).root, ['a']), path.resolve(path.parse(root).root, 'a'));
  assert.equal(safeJoin(root + path.sep, ['a']), path.join(root, 'a'));
  assert.equal(safeJoin('rel', ['a']), path.resolve('rel', 'a'));
});

test('rejects every unsafe component with PATH_UNSAFE', () => {
  const bad = [[''], ['.'], ['..'], ['a', '..'], ['a/b'], ['a\\b'], ['/etc'], ['nul\0'], ['C:'], ['c:evil'], []];
  const windowsOnly = [['CON'], ['nul.txt'], ['src', 'aux.c'], ['Com1'], ['LPT9.log'], ['.. '], ['a', '. '], ['...'], [' ']];
  const refused = (c: string[], windows: boolean): void => assert.throws(() => safeJoin(root, c, { windows }),
    (e: unknown) => e instanceof TesseraError && e.code === 'PATH_UNSAFE', `${JSON.stringify(c)} windows: ${windows}`);
  for (const c of bad) for (const windows of [false, true]) refused(c, windows);
  for (const c of windowsOnly) {
    refused(c, true);
    assert.equal(safeJoin(root, c, { windows: false }), path.join(root, ...c), 'an ordinary name elsewhere');
  }
});

test('property: the result is always inside root, or the call throws PATH_UNSAFE (Windows rules or not)', () => {
  const comp = fc.oneof(fc.string(), fc.constantFrom('..', '.', '', '/', '\\', 'C:', 'a/../..', '\0', '.. ', '..x', '...', ' '));
  fc.assert(fc.property(fc.array(comp, { maxLength: 6 }), fc.boolean(), (cs, windows) => {
    try {
      const out = safeJoin(root, cs, { windows });
      const rel = path.relative(root, out);
      // ".. x" or "..." is a name inside root; only ".." itself, or a path through it, is outside.
      assert.ok(rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel), out);
      assert.equal(out, path.resolve(root, ...cs), 'the same path path.resolve gives');
    } catch (e) {
      assert.ok(e instanceof TesseraError && e.code === 'PATH_UNSAFE');
    }
  }), { numRuns: 2000 });
});
