import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateTorrentResult, VerifyResult } from '../../shared/contract.ts';
import { validators } from '../../shared/validate.ts';
import type { WorkerToHost } from './protocol.ts';
import { createJobHandlers } from './jobs.ts';
import { FakeSession } from './test-support/fake-session.ts';

test('create:start builds a torrent (and writes it), verify:start checks data against it, progress is reported', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-jobs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const data = Buffer.alloc(300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
  await writeFile(join(dir, 'file.bin'), data);
  const posted: WorkerToHost[] = [];
  const session = new FakeSession();
  const jobs = createJobHandlers(session, (m) => posted.push(m));

  const arg = validators['create:start']({ jobId: 'c1', path: join(dir, 'file.bin'), version: 'hybrid', pieceLength: 32768, trackers: [['http://127.0.0.1:1/announce']],
    webSeeds: [], private: false, seed: true, outputPath: join(dir, 'out.torrent') });
  assert.ok(arg.ok);
  const created = await jobs.create!(arg.value);
  assert.ok(created.ok, JSON.stringify(created));
  const c = created.value as CreateTorrentResult;
  assert.equal(c.pieceLength, 32768);
  assert.equal(c.pieceCount, Math.ceil(300_000 / 32768));
  assert.match(c.infoHashV1 ?? '', /^[0-9a-f]{40}$/);
  assert.match(c.infoHashV2 ?? '', /^[0-9a-f]{64}$/);
  assert.match(c.magnet, /^magnet:\?xt=urn:btih:/);
  assert.equal((await readFile(join(dir, 'out.torrent'))).toString('base64'), c.torrentBase64);
  assert.equal(session.summaries()[0]?.savePath, dir, 'seed: added with the data folder as save path');
  assert.ok(posted.some((m) => m.t === 'event' && m.event === 'job:progress'));

  const v = validators['verify:start']({ jobId: 'v1', torrentBase64: c.torrentBase64, path: dir });
  assert.ok(v.ok);
  const good = await jobs.verify!(v.value);
  assert.ok(good.ok && (good.value as VerifyResult).ok, JSON.stringify(good));
  data[40_000] = (data[40_000] ?? 0) ^ 0xff;
  await writeFile(join(dir, 'file.bin'), data);
  const badRun = await jobs.verify!(v.value);
  assert.ok(badRun.ok);
  const r = badRun.value as VerifyResult;
  assert.equal(r.ok, false);
  assert.deepEqual(r.badPieces, [1]);
  assert.equal(r.files[0]?.status, 'bad');

  const missing = await jobs.verify!({ jobId: 'v2', id: 'e'.repeat(40), path: dir });
  assert.equal(!missing.ok && missing.error.code, 'NOT_FOUND');
});

test('create:start writes only new .torrent files: another extension is refused, an existing file is never replaced', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-jobs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'file.bin'), Buffer.alloc(20_000, 7));
  await writeFile(join(dir, 'keep.torrent'), 'precious');
  const jobs = createJobHandlers(new FakeSession(), () => undefined);
  const base = { jobId: 'c2', path: join(dir, 'file.bin'), version: 'v1', pieceLength: 0, trackers: [], webSeeds: [], private: false, seed: false };
  const notTorrent = validators['create:start']({ ...base, outputPath: join(dir, '.bashrc') });
  assert.ok(!notTorrent.ok && /\.torrent/.test(notTorrent.error.message));
  const existing = validators['create:start']({ ...base, outputPath: join(dir, 'keep.torrent') });
  assert.ok(existing.ok);
  const r = await jobs.create!(existing.value);
  assert.ok(!r.ok && r.error.code === 'BAD_ARGUMENT' && /already exists/.test(r.error.message), JSON.stringify(r));
  assert.equal(await readFile(join(dir, 'keep.torrent'), 'utf8'), 'precious');
});
