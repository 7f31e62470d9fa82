import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { HashPool } from './hash-pool.ts';
import { TesseraError } from '../errors.ts';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

test('sha1/sha256 match node:crypto, for plain and SharedArrayBuffer-backed input', async () => {
  const pool = new HashPool({ threads: 2 });
  try {
    const data = new Uint8Array(100_000).map((_, i) => i * 7);
    const shared = new Uint8Array(new SharedArrayBuffer(data.length));
    shared.set(data);
    for (const d of [data, shared, data.subarray(5, 777)]) {
      assert.equal(hex(await pool.sha1(d)), createHash('sha1').update(d).digest('hex'));
      assert.equal(hex(await pool.sha256(d)), createHash('sha256').update(d).digest('hex'));
    }
    assert.equal(data[3], 21, 'the caller keeps its buffer');
  } finally {
    await pool.close();
  }
});

test('property: sha1Pieces and sha256Blocks equal per-slice hashes', async () => {
  const pool = new HashPool({ threads: 2 });
  try {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 70_000 }), fc.integer({ min: 1, max: 40_000 }), async (d, pl) => {
      const pieces = await pool.sha1Pieces(d, pl);
      const blocks = await pool.sha256Blocks(d);
      assert.equal(pieces.length, Math.ceil(d.length / pl) * 20);
      for (let i = 0; i * pl < d.length; i++) {
        assert.equal(hex(pieces.subarray(i * 20, i * 20 + 20)), createHash('sha1').update(d.subarray(i * pl, (i + 1) * pl)).digest('hex'));
      }
      for (let i = 0; i * 16384 < d.length; i++) {
        assert.equal(hex(blocks.subarray(i * 32, i * 32 + 32)), createHash('sha256').update(d.subarray(i * 16384, (i + 1) * 16384)).digest('hex'));
      }
    }), { numRuns: 40 });
  } finally {
    await pool.close();
  }
});

test('many concurrent jobs all resolve, in any order', async () => {
  const pool = new HashPool({ threads: 2 });
  try {
    const inputs = Array.from({ length: 200 }, (_, i) => new Uint8Array(i + 1).fill(i));
    const out = await Promise.all(inputs.map((d) => pool.sha1(d)));
    out.forEach((h, i) => assert.equal(hex(h), createHash('sha1').update(inputs[i]!).digest('hex')));
    assert.equal(pool.pending, 0);
  } finally {
    await pool.close();
  }
});

test('close() rejects queued jobs with ABORTED and later calls too', async () => {
  const pool = new HashPool({ threads: 1 });
  const jobs = Array.from({ length: 20 }, () => pool.sha256(new Uint8Array(1 << 20)));
  const settled = Promise.allSettled(jobs);
  await pool.close();
  const results = await settled;
  assert.ok(results.some((r) => r.status === 'rejected' && r.reason instanceof TesseraError && r.reason.code === 'ABORTED'));
  await assert.rejects(pool.sha1(new Uint8Array(1)), (e: unknown) => e instanceof TesseraError && e.code === 'ABORTED');
});

test('bad piece length is a BAD_ARGUMENT, not a worker crash', async () => {
  const pool = new HashPool({ threads: 1 });
  try {
    await assert.rejects(pool.sha1Pieces(new Uint8Array(10), 0), (e: unknown) => e instanceof TesseraError && e.code === 'BAD_ARGUMENT');
  } finally {
    await pool.close();
  }
});

test('an idle pool that is never closed does not keep the process alive', () => {
  const mod = fileURLToPath(new URL('./hash-pool.ts', import.meta.url));
  const script = `import { HashPool } from ${JSON.stringify(mod)}; const p = new HashPool({ threads: 2 }); const h = await p.sha1(new Uint8Array(1000)); console.log(Buffer.from(h).toString('hex'));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000, encoding: 'utf8' });
  assert.equal(r.error, undefined, 'the process exited by itself within 20 s');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), createHash('sha1').update(new Uint8Array(1000)).digest('hex'));
});

test('ready() keeps the process alive until every worker runs (one coming online must not unref the others)', () => {
  const mod = fileURLToPath(new URL('./hash-pool.ts', import.meta.url));
  const script = `import { HashPool } from ${JSON.stringify(mod)}; const p = new HashPool({ threads: 3 }); await p.ready(); console.log('ready'); await p.close();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000, encoding: 'utf8' });
  assert.equal(r.error, undefined, 'the process exited by itself within 20 s');
  assert.equal(r.status, 0, `exit ${r.status} (13: a top-level await never settled) ${r.stderr}`);
  assert.equal(r.stdout.trim(), 'ready');
});

test('works inside an esbuild bundle (CommonJS, as for Electron) with no .ts worker file', async () => {
  const { build } = await import('esbuild');
  const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-bundle-'));
  try {
    const entry = path.join(dir, 'entry.ts');
    const mod = fileURLToPath(new URL('./hash-pool.ts', import.meta.url));
    await writeFile(entry, `import { HashPool } from ${JSON.stringify(mod)};\nconst p = new HashPool({ threads: 2 });\np.sha256(new Uint8Array(5)).then((h) => { console.log(Buffer.from(h).toString('hex')); });\n`);
    const out = path.join(dir, 'bundle.cjs');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'silent' });
    const r = spawnSync(process.execPath, [out], { timeout: 20_000, encoding: 'utf8', cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), createHash('sha256').update(new Uint8Array(5)).digest('hex'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('readHash: a worker-side read error rejects that job with IO_ERROR and the pool keeps working', async () => {
  const pool = new HashPool({ threads: 1, nativeThreads: 0 });
  try {
    await assert.rejects(
      pool.readHash([{ path: '/nonexistent/tessera-file', pos: 0, len: 10, avail: 10, blocks: false, strict: true }], 16384, true),
      (e: unknown) => e instanceof TesseraError && e.code === 'IO_ERROR' && /ENOENT/.test(e.message),
    );
    const zeros = await pool.readHash([{ path: null, pos: 0, len: 20000, avail: 0, blocks: true, strict: true }], 16384, true);
    const z = new Uint8Array(20000);
    assert.equal(hex(zeros.pieces!.subarray(0, 20)), createHash('sha1').update(z.subarray(0, 16384)).digest('hex'));
    assert.equal(hex(zeros.pieces!.subarray(20, 40)), createHash('sha1').update(z.subarray(16384)).digest('hex'));
    assert.equal(zeros.blocks[0]!.length, 64);
  } finally {
    await pool.close();
  }
});

test('main-thread lane: the same digests as the workers, shares the jobs, read errors reject only that job', async () => {
  const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-lane-'));
  const pool = new HashPool({ threads: 1, mainThread: true, nativeThreads: 0 });
  try {
    assert.equal(pool.lanes, 2);
    const file = path.join(dir, 'data.bin');
    const data = new Uint8Array(40 * 16384).map((_, i) => (i * 31) & 0xff);
    await writeFile(file, data);
    const pl = 16384;
    await pool.ready();
    // 40 one-piece jobs queued at once: the worker takes two at a time, the main lane the rest.
    const jobs = Array.from({ length: 40 }, (_, i) =>
      pool.readHash([{ path: file, pos: i * pl, len: pl, avail: pl, blocks: true, strict: true }], pl, true));
    const out = await Promise.all(jobs);
    out.forEach((r, i) => {
      const piece = data.subarray(i * pl, (i + 1) * pl);
      assert.equal(hex(r.pieces!), createHash('sha1').update(piece).digest('hex'));
      assert.equal(hex(r.blocks[0]!), createHash('sha256').update(piece).digest('hex'));
    });
    assert.ok(pool.mainLaneJobs > 0 && pool.mainLaneJobs < 40, `main lane ran ${pool.mainLaneJobs} of 40 jobs`);
    const workersOnly = new HashPool({ threads: 1 });
    try {
      assert.equal(hex(await pool.sha1Pieces(data, 5000)), hex(await workersOnly.sha1Pieces(data, 5000)));
    } finally {
      await workersOnly.close();
    }
    const before = pool.mainLaneJobs;
    const missing = Array.from({ length: 6 }, () =>
      pool.readHash([{ path: path.join(dir, 'missing'), pos: 0, len: 10, avail: 10, blocks: false, strict: true }], pl, true));
    for (const m of await Promise.allSettled(missing)) {
      assert.ok(m.status === 'rejected' && m.reason instanceof TesseraError && m.reason.code === 'IO_ERROR' && /ENOENT/.test(m.reason.message));
    }
    assert.ok(pool.mainLaneJobs > before, 'some of the failing reads ran on the main lane');
    assert.equal(pool.pending, 0);
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('main-thread lane: jobs do not wait for a worker that is still booting', async () => {
  const pool = new HashPool({ threads: 1, mainThread: true });
  try {
    // Nothing warmed: the worker spawned for this job needs tens of ms to start; the main lane runs it now.
    const d = new Uint8Array(1000).fill(7);
    assert.equal(hex(await pool.sha1(d)), createHash('sha1').update(d).digest('hex'));
    assert.equal(pool.mainLaneJobs, 1);
  } finally {
    await pool.close();
  }
});
