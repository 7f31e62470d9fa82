import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSizes, fileStats, type BatchStat } from './file-sizes.ts';
import { isTesseraError } from '../errors.ts';
import { nativeForTests } from '../hashing/native-for-tests.ts';
import { NativeReader } from '../hashing/native-reader.ts';

const native = await nativeForTests('file-sizes');

test('fileSizes: regular files by size, everything else -1, the same with the addon and without', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-sizes-'));
  try {
    await writeFile(join(dir, 'a'), 'hello');
    await writeFile(join(dir, 'empty'), '');
    await mkdir(join(dir, 'sub'));
    await symlink(join(dir, 'a'), join(dir, 'link-to-a'));
    await symlink(join(dir, 'gone'), join(dir, 'dangling'));
    const names = ['a', 'empty', 'sub', 'missing', 'link-to-a', 'dangling', 'a/through-a-file', `bad\0name`, 'é-ünï'];
    await writeFile(join(dir, 'é-ünï'), 'xyz');
    // Many paths, so batches grow and the event loop turns between them.
    const paths = [...names.map((n) => join(dir, n)), ...Array.from({ length: 3000 }, (_, i) => join(dir, i % 2 ? 'a' : 'missing'))];
    const want = [5, 0, -1, -1, 5, -1, -1, -1, 3, ...Array.from({ length: 3000 }, (_, i) => (i % 2 ? 5 : -1))];
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const withStatSync = await fileSizes(paths, null);
    clearInterval(ticker);
    assert.deepEqual([...withStatSync], want);
    assert.ok(turns > 0, 'the event loop turned while the sizes were read');
    if (native.why) t.diagnostic(`addon path skipped: ${native.why}`);
    else {
      let calls = 0;
      const reader = new NativeReader(native.x8!, 1);
      const counted: BatchStat = { statFiles: (p) => { calls++; return reader.statFiles(p); } };
      assert.deepEqual([...(await fileSizes(paths, counted))], want);
      assert.ok(calls > 1 && calls < paths.length / 8, `batched: ${calls} calls for ${paths.length} paths`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fileStats: size and the mtime fs.stat gives for regular files, null for the rest; other errors throw only when strict', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-stats-'));
  try {
    await writeFile(join(dir, 'a'), 'hello');
    await mkdir(join(dir, 'sub'));
    await symlink(join(dir, 'a'), join(dir, 'link-to-a'));
    await symlink(join(dir, 'loop'), join(dir, 'loop')); // ELOOP: neither missing nor a file
    const a = await stat(join(dir, 'a'));
    const paths = [join(dir, 'a'), undefined, join(dir, 'sub'), join(dir, 'missing'), join(dir, 'link-to-a'), join(dir, 'a', 'x'), `${dir}/bad\0name`,
      ...Array.from({ length: 2000 }, (_, i) => (i % 2 ? join(dir, 'a') : undefined))];
    const got = await fileStats(paths, true);
    const file = { size: 5, mtimeMs: a.mtimeMs };
    assert.deepEqual(got.slice(0, 7), [file, null, null, null, file, null, null]);
    assert.deepEqual(got.slice(7), Array.from({ length: 2000 }, (_, i) => (i % 2 ? file : null)));
    const looped = [join(dir, 'a'), join(dir, 'loop')];
    assert.deepEqual(await fileStats(looped, false), [file, null]);
    await assert.rejects(fileStats(looped, true), (e) => isTesseraError(e) && e.code === 'IO_ERROR' && e.message.includes('loop'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
