import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseHostPort } from './tracker.ts';
import { httpGet } from '../../tracker/testing.ts';

const BIN = fileURLToPath(new URL('../../../bin/tessera.cjs', import.meta.url));

/** `tessera tracker` on a free loopback port (HTTP only) and its announce URL once it prints it. */
function startCliTracker(extra: string[]): { child: ChildProcessWithoutNullStreams; url: Promise<string>; killer: NodeJS.Timeout } {
  const child = spawn(process.execPath, [BIN, 'tracker', '--http', '127.0.0.1:0', '--no-udp', ...extra]);
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /HTTP announce: (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (c) => reject(new Error(`exited ${c}: ${out}`)));
  });
  return { child, url, killer };
}

test('HOST:PORT parsing', () => {
  assert.deepEqual(parseHostPort('0.0.0.0:6969'), { host: '0.0.0.0', port: 6969 });
  assert.deepEqual(parseHostPort('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(parseHostPort(':7000'), { host: '127.0.0.1', port: 7000 });
  assert.deepEqual(parseHostPort('7000'), { host: '127.0.0.1', port: 7000 });
  assert.throws(() => parseHostPort('host:99999'));
  assert.throws(() => parseHostPort('nope'));
});

test('`tessera tracker` serves until SIGTERM', async () => {
  const { child, url: announce, killer } = startCliTracker(['--interval', '60']);
  try {
    const url = await announce;
    const st = JSON.parse((await httpGet(url.replace(/announce$/, 'stats'))).body.toString()) as Record<string, number>;
    assert.equal(st.torrents, 0);
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('`tessera tracker --rate-limit 1` refuses an address past its burst of 10 with a failure reason', async () => {
  assert.notEqual(spawnSync(process.execPath, [BIN, 'tracker', '--rate-limit', 'x'], { encoding: 'utf8', timeout: 20_000 }).status, 0, 'a bad rate is refused');
  const { child, url: announce, killer } = startCliTracker(['--rate-limit', '1']);
  try {
    const url = await announce;
    const hash = '%AA'.repeat(20);
    const refused: boolean[] = [];
    for (let i = 0; i < 12; i++) {
      const peer = `-TS0001-${String(i).padStart(12, '0')}`;
      const body = (await httpGet(`${url}?info_hash=${hash}&peer_id=${peer}&port=${6000 + i}&uploaded=0&downloaded=0&left=1&compact=1`)).body.toString('latin1');
      refused.push(body.includes('failure reason'));
    }
    assert.deepEqual(refused.slice(0, 10), Array(10).fill(false), 'the burst is served');
    assert.ok(refused.slice(10).every(Boolean), 'past the burst: refused');
  } finally {
    clearTimeout(killer);
    child.kill('SIGTERM');
  }
});
