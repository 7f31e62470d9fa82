// The one atomic write (storage/atomic-write.ts): kill -9 at random moments leaves the old or the
// new content, never a mix; a secret can be written 0600; missing folders are created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, writeFile, appendFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from './atomic-write.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-atomic-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('mode and missing folders', async () => {
  await withDir(async (dir) => {
    const f = path.join(dir, 'a', 'b', 'token');
    await writeFileAtomic(f, 'secret', 0o600);
    if (process.platform !== 'win32') assert.equal((await stat(f)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(path.join(dir, 'a', 'b')), ['token']);
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
