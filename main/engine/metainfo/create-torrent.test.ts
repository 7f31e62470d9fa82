import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile, symlink, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { autoPieceLength, createTorrent } from './create-torrent.ts';
import { TesseraError } from '../errors.ts';
import { HashPool } from '../hashing/hash-pool.ts';

async function tempTree(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-create-'));
  const src = path.join(dir, 'src');
  await mkdir(path.join(src, 'sub', 'deep'), { recursive: true });
  await mkdir(path.join(src, '.git'));
  await writeFile(path.join(src, 'b.bin'), new Uint8Array(70_000).map((_, i) => (i * 13) & 0xff));
  await writeFile(path.join(src, 'a.txt'), 'alpha');
  await writeFile(path.join(src, '.hidden'), 'h');
  await writeFile(path.join(src, '.git', 'HEAD'), 'ref');
  await writeFile(path.join(src, 'sub', 'deep', 'c.tmp'), 'tmp');
  await writeFile(path.join(src, 'sub', 'Z.txt'), 'zed');
  await writeFile(path.join(dir, 'outside.txt'), 'secret');
  await symlink(path.join(dir, 'outside.txt'), path.join(src, 'link-out'));
  await symlink(path.join(src, 'a.txt'), path.join(src, 'link-in'));
  await symlink(src, path.join(src, 'sub', 'loop'));
  return dir;
}

test('v1 multi-file: sorted, hidden included, symlinks only inside, pieces correct', async () => {
  const dir = await tempTree();
  try {
    const { meta } = await createTorrent(path.join(dir, 'src'), { pieceLength: 16384, creationDate: null });
    const paths = meta.files.map((f) => f.path.join('/'));
    assert.deepEqual(paths, ['.git/HEAD', '.hidden', 'a.txt', 'b.bin', 'link-in', 'sub/Z.txt', 'sub/deep/c.tmp']);
    // Recompute the v1 piece hashes by hand over the concatenated files.
    const all = Buffer.concat(await Promise.all(meta.files.map((f) => readFile(path.join(dir, 'src', ...f.path)))));
    for (let p = 0; p < meta.pieceCount; p++) {
      const want = createHash('sha1').update(all.subarray(p * 16384, (p + 1) * 16384)).digest('hex');
      assert.equal(Buffer.from(meta.pieces!.subarray(p * 20, p * 20 + 20)).toString('hex'), want, `piece ${p}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('include/exclude globs', async () => {
  const dir = await tempTree();
  try {
    const src = path.join(dir, 'src');
    const ex = await createTorrent(src, { exclude: ['.git', '*.tmp', 'link-*'], creationDate: null });
    assert.deepEqual(ex.meta.files.map((f) => f.path.join('/')), ['.hidden', 'a.txt', 'b.bin', 'sub/Z.txt']);
    const inc = await createTorrent(src, { include: ['**/*.txt'], creationDate: null });
    assert.deepEqual(inc.meta.files.map((f) => f.path.join('/')), ['a.txt', 'sub/Z.txt']);
    await assert.rejects(createTorrent(src, { include: ['*.nothing'] }), (e: unknown) => e instanceof TesseraError && e.code === 'BAD_ARGUMENT');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('reproducible: same input and options with no date give the same bytes; a date changes them', async () => {
  const dir = await tempTree();
  try {
    const src = path.join(dir, 'src');
    const pool = new HashPool({ threads: 2 });
    try {
      for (const version of ['v1', 'v2', 'hybrid'] as const) {
        const opts = { version, pieceLength: 'auto' as const, announce: [['http://a/', 'http://b/'], ['udp://c/']], webSeeds: ['http://w/'], comment: 'x', source: 's', private: true, creationDate: null, pool };
        const a = await createTorrent(src, opts);
        const b = await createTorrent(src, { ...opts, chunkSize: 16384 });
        assert.deepEqual(a.bytes, b.bytes, version);
        assert.equal(a.meta.source, 's');
        assert.equal(a.meta.private, true);
        assert.deepEqual(a.meta.announce, [['http://a/', 'http://b/'], ['udp://c/']]);
        const c = await createTorrent(src, { ...opts, creationDate: 1 });
        assert.notDeepEqual(a.bytes, c.bytes);
        assert.deepEqual(a.meta.infoHashV1, c.meta.infoHashV1);
      }
    } finally {
      await pool.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('single file, progress reports, bad piece lengths, missing path, abort', async () => {
  const dir = await tempTree();
  try {
    const file = path.join(dir, 'src', 'b.bin');
    // The hash workers report each chunk as it finishes; the addon's threads are polled every
    // 100 ms and report the total at the end.
    const workers = new HashPool({ threads: 2, nativeThreads: 0 });
    const seen: number[] = [];
    try {
      const { meta } = await createTorrent(file, { version: 'hybrid', pieceLength: 16384, chunkSize: 16384, pool: workers }, { onProgress: (d, t) => { seen.push(d); assert.equal(t, 70_000); } });
      assert.equal(meta.multiFile, false);
      assert.deepEqual(meta.files.map((f) => f.path), [['b.bin']]);
    } finally {
      await workers.close();
    }
    assert.equal(seen.length, 5);
    assert.equal(Math.max(...seen), 70_000);
    const seenDefault: number[] = [];
    await createTorrent(file, { version: 'hybrid', pieceLength: 16384 }, { onProgress: (d) => { seenDefault.push(d); } });
    assert.ok(seenDefault.length >= 1 && seenDefault.every((d) => d <= 70_000));
    assert.equal(seenDefault.at(-1), 70_000);
    await assert.rejects(createTorrent(file, { version: 'v2', pieceLength: 20000 }), /power of two/);
    await assert.rejects(createTorrent(file, { pieceLength: -1 }), /positive/);
    await assert.rejects(createTorrent(path.join(dir, 'nope')), (e: unknown) => e instanceof TesseraError && e.code === 'NOT_FOUND');
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(createTorrent(file, {}, { signal: ac.signal }), (e: unknown) => e instanceof TesseraError && e.code === 'ABORTED');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('auto piece length formula', () => {
  assert.equal(autoPieceLength(0), 16384);
  assert.equal(autoPieceLength(1 << 30), 1 << 20);
  assert.equal(autoPieceLength(1e15), 1 << 24);
  for (const n of [1e6, 1e8, 5e9]) assert.ok(n / autoPieceLength(n) <= 1500);
});
