import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, writeFile, utimes, truncate, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TorrentFile } from '../metainfo/types.ts';
import { Bitfield } from '../wire/bitfield.ts';
import { PieceMap } from './piece-map.ts';
import { FsStore } from './fs-store.ts';
import { PieceJournal } from './piece-journal.ts';
import { writeFileAtomic } from './atomic-write.ts';
import {
  decodeResume,
  encodeResume,
  fileStatesForResume,
  loadResume,
  reconcileResume,
  saveResume,
  type ResumeData,
} from './resume-data.ts';
import { isTesseraError } from '../errors.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-resume-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function layout(lengths: number[]): { files: TorrentFile[]; total: number } {
  let off = 0;
  const files = lengths.map((length, i) => {
    const f: TorrentFile = { path: [`f${i}`], length, offset: off, padding: false, attr: '' };
    off += length;
    return f;
  });
  return { files, total: off };
}

function sample(pieceCount: number, have: number[], files: ResumeData['files']): ResumeData {
  const bf = new Bitfield(pieceCount);
  for (const p of have) bf.set(p);
  return {
    version: 1,
    infoHash: 'ab'.repeat(20),
    savePath: '/tmp/x',
    pieceCount,
    have: bf.bytes,
    filePriorities: files.map(() => 2),
    files,
    uploaded: 10,
    downloaded: 20,
    addedAt: 1_700_000_000_000,
    paused: false,
  };
}

test('encode/decode round-trip and validation of damaged records', () => {
  const d = sample(10, [1, 9], [{ size: 5, mtimeMs: 1234.5678 }, null, { size: 7, mtimeMs: null }]);
  assert.deepEqual(decodeResume(encodeResume(d)), d);
  const bad = (text: string): void =>
    assert.throws(() => decodeResume(text), (e: unknown) => isTesseraError(e) && e.code === 'RESUME_INVALID', text.slice(0, 60));
  bad('');
  bad('{"version":1');
  bad('[]');
  bad(JSON.stringify({ ...JSON.parse(encodeResume(d)), version: 2 }));
  bad(JSON.stringify({ ...JSON.parse(encodeResume(d)), pieceCount: 100 }));
  bad(JSON.stringify({ ...JSON.parse(encodeResume(d)), filePriorities: [7] }));
  bad(JSON.stringify({ ...JSON.parse(encodeResume(d)), files: [{ size: -1, mtimeMs: 0 }] }));
  bad(JSON.stringify({ ...JSON.parse(encodeResume(d)), uploaded: 'lots' }));
});

test('mtime is kept only for files whose every piece is verified', () => {
  const { files, total } = layout([100, 100, 100]);
  const map = new PieceMap(files, 64, total); // f0: 0-1, f1: 1-3, f2: 3-4
  const have = new Bitfield(map.pieceCount);
  for (const p of [0, 1, 3, 4]) have.set(p);
  const st = { size: 100, mtimeMs: 5 };
  assert.deepEqual(fileStatesForResume(files, map, have, [st, st, null]), [
    { size: 100, mtimeMs: 5 },
    { size: 100, mtimeMs: null },
    null,
  ]);
});

test('reconcile: only pieces of files changed behind our back are re-checked', () => {
  const { files, total } = layout([100, 100, 100, 100]);
  const map = new PieceMap(files, 100, total);
  const saved = sample(4, [0, 1, 2, 3], [
    { size: 100, mtimeMs: 1 }, // complete, untouched
    { size: 100, mtimeMs: 2 }, // complete, touched since → re-check
    { size: 100, mtimeMs: null }, // was incomplete: a newer mtime is our own writes
    { size: 100, mtimeMs: 4 }, // truncated since → re-check
  ]);
  const now = [
    { size: 100, mtimeMs: 1 },
    { size: 100, mtimeMs: 99 },
    { size: 100, mtimeMs: 99 },
    { size: 50, mtimeMs: 4 },
  ];
  const r = reconcileResume(saved, files, map, now);
  assert.deepEqual(r.recheck, [1, 3]);
  assert.deepEqual([...r.have.setBits()], [0, 2]);
  // A deleted file, and one that appeared since (it was absent at flush time).
  const r2 = reconcileResume(sample(4, [0, 1], [null, { size: 100, mtimeMs: null }, null, null]), files, map, [
    { size: 100, mtimeMs: 3 },
    null,
    null,
    null,
  ]);
  assert.deepEqual(r2.recheck, [0, 1]);
  // Journal: pieces verified after the flush are re-checked, never trusted.
  const r3 = reconcileResume(saved, files, map, [now[0] ?? null, { size: 100, mtimeMs: 2 }, now[2] ?? null, { size: 100, mtimeMs: 4 }], [2, 3, 77]);
  assert.deepEqual(r3.recheck, []);
  const r4 = reconcileResume(sample(4, [0], saved.files), files, map, [now[0] ?? null, { size: 100, mtimeMs: 2 }, now[2] ?? null, { size: 100, mtimeMs: 4 }], [2, 3]);
  assert.deepEqual(r4.recheck, [2, 3]);
  assert.throws(() => reconcileResume(sample(5, [], saved.files), files, map, now), (e: unknown) => isTesseraError(e) && e.code === 'RESUME_INVALID');
});

test('crash after a flush: verified pieces survive, only the journal tail is re-checked', async () => {
  await withDir(async (dir) => {
    const { files, total } = layout([300_000, 200_000]);
    const map = new PieceMap(files, 65_536, total);
    const data = new Uint8Array(total).map((_, i) => (i * 31) & 0xff);
    const hash = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');
    const store = new FsStore(path.join(dir, 'data'), files, map);
    const { journal } = await PieceJournal.open(path.join(dir, 't.journal'), map.pieceCount);
    const have = new Bitfield(map.pieceCount);
    const verify = async (p: number): Promise<void> => {
      await store.write(p, 0, data.subarray(p * 65_536, p * 65_536 + map.pieceSize(p)));
      have.set(p); // (hash check elided: the data is ours)
      await journal.append(p);
    };
    for (const p of [0, 1, 2, 5]) await verify(p);
    // Flush: data durable first, then the record.
    await store.sync();
    const stats = await store.existingFiles();
    await saveResume(path.join(dir, 't.resume'), { ...sample(map.pieceCount, [], fileStatesForResume(files, map, have, stats)), have: have.bytes });
    for (const p of [3, 7]) await verify(p);
    // "kill -9": nothing closed, nothing flushed. Restart:
    const resume = await loadResume(path.join(dir, 't.resume'));
    assert.ok(resume);
    const reopened = await PieceJournal.open(path.join(dir, 't.journal'), map.pieceCount);
    const store2 = new FsStore(path.join(dir, 'data'), files, map);
    const r = reconcileResume(resume, files, map, await store2.existingFiles(), reopened.entries);
    assert.deepEqual([...r.have.setBits()], [0, 1, 2, 5], 'flushed pieces trusted without hashing');
    assert.deepEqual(r.recheck, [3, 7], 'only pieces verified after the flush are re-hashed');
    for (const p of [...r.have.setBits(), ...r.recheck]) {
      assert.equal(hash(await store2.readPiece(p)), hash(data.subarray(p * 65_536, p * 65_536 + map.pieceSize(p))));
    }
    await Promise.all([store.close(), store2.close(), journal.close(), reopened.journal.close()]);
  });
});

test('the journal ignores a torn last entry and out-of-range indices', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'j');
    await writeFile(file, Uint8Array.from([0, 0, 0, 3, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]));
    const { journal, entries } = await PieceJournal.open(file, 10);
    assert.deepEqual(entries, [1, 3]);
    await journal.append(4);
    await journal.close();
    const again = await PieceJournal.open(file, 10);
    assert.deepEqual(again.entries, [1, 3, 4]);
    await again.journal.reset();
    await again.journal.close();
    assert.deepEqual((await PieceJournal.open(file, 10)).entries, []);
  });
});

test('missing resume is null; a complete file touched later is caught by mtime', async () => {
  await withDir(async (dir) => {
    assert.equal(await loadResume(path.join(dir, 'none')), null);
    const { files, total } = layout([1000]);
    const map = new PieceMap(files, 1000, total);
    const store = new FsStore(dir, files, map);
    await store.write(0, 0, new Uint8Array(1000).fill(1));
    await store.close();
    const have = Bitfield.full(1);
    const states = fileStatesForResume(files, map, have, await store.existingFiles());
    const d = { ...sample(1, [0], states) };
    await utimes(path.join(dir, 'f0'), new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(reconcileResume(d, files, map, await new FsStore(dir, files, map).existingFiles()).recheck, [0]);
    await truncate(path.join(dir, 'f0'), 10);
    assert.deepEqual(reconcileResume(d, files, map, await new FsStore(dir, files, map).existingFiles()).recheck, [0]);
  });
});

test('atomic write survives kill -9 at random moments: old or new content, never a mix', async () => {
  await withDir(async (dir) => {
    const target = path.join(dir, 'state.json');
    const mod = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'atomic-write.ts')).href;
    const script = path.join(dir, 'writer.mjs');
    await writeFile(
      script,
      `import { writeFileAtomic } from ${JSON.stringify(mod)};\n` +
        `let i = 0;\nfor (;;) { const body = JSON.stringify({ i, pad: 'x'.repeat(20000 + (i % 7) * 1000) });\n` +
        `await writeFileAtomic(${JSON.stringify(target)}, body); if (++i === 5) process.stdout.write('go\\n'); }\n`,
    );
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('writer did not start within 20 s')), 20_000);
          child.stdout.once('data', () => {
            clearTimeout(timer);
            resolve();
          });
          child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`writer exited early (${code})`));
          });
        });
        await new Promise((r) => setTimeout(r, 20 + round * 37));
      } finally {
        child.kill('SIGKILL');
        await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
      }
      const { readFile } = await import('node:fs/promises');
      const parsed = JSON.parse(await readFile(target, 'utf8')) as { i: number; pad: string };
      assert.equal(parsed.pad.length, 20000 + (parsed.i % 7) * 1000);
    }
    // Leftover temp files are possible after a kill; they never replace the target.
    const names = await readdir(dir);
    assert.ok(names.includes('state.json'));
    await appendFile(path.join(dir, 'x'), 'old');
    await writeFileAtomic(path.join(dir, 'x'), 'done');
    const { readFile } = await import('node:fs/promises');
    assert.equal(await readFile(path.join(dir, 'x'), 'utf8'), 'done');
  });
});
