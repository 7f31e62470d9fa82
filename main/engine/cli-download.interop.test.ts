// `tessera download` as a child process against a libtorrent seed: a file subset writes nothing
// else, and kill -9 mid-download then a restart completes without re-downloading (or re-hashing
// the whole torrent for) the pieces verified before the kill.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTools } from '../test-support/reference-tools.ts';
import { LtPeer } from '../test-support/lt-peer.ts';
import { diffFiles, makePayload, makeTorrent, waitUntil, exists } from '../test-support/engine-fixtures.ts';

const BIN = fileURLToPath(new URL('../../bin/tessera.cjs', import.meta.url));

function run(args: string[]): { child: ChildProcess; out: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const done = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, out: () => out, done };
}

async function listAll(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...await listAll(join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

test('tessera download --files writes only the selected files', { timeout: 60_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-subset-'));
  const files = [
    { path: 'a.bin', size: 1024 * 1024 + 5 },
    { path: 'b.bin', size: 700_000 },
    { path: 'c/d.bin', size: 900_001 },
    { path: 'e.bin', size: 300_000 },
  ];
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, files);
  const torrent = join(dir, 'x.torrent');
  await makeTorrent(src, torrent, { log2Piece: 15 });
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 55 });
  let proc: ReturnType<typeof run> | undefined;
  try {
    const port = await lt.port();
    proc = run(['download', torrent, '--out', join(dir, 'dl'), '--port', '0', '--host', '127.0.0.1',
      '--peer', `127.0.0.1:${port}`, '--files', '0,2', '--state', join(dir, 'state')]);
    const code = await proc.done;
    assert.equal(code, 0, proc.out());
    assert.deepEqual(await listAll(join(dir, 'dl')), ['payload/a.bin', 'payload/c/d.bin']);
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), ['a.bin', 'c/d.bin']), []);
  } finally {
    proc?.child.kill('SIGKILL');
    await lt.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('kill -9 mid-download, restart: verified pieces are neither downloaded nor hashed again', { timeout: 90_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-kill-'));
  const files = [{ path: 'big.bin', size: 16 * 1024 * 1024 }, { path: 'small.bin', size: 12345 }];
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, files);
  const torrent = join(dir, 'x.torrent');
  await makeTorrent(src, torrent, { log2Piece: 15 });
  const pieceCount = Math.ceil((16 * 1024 * 1024 + 12345) / 32768);
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 85 });
  const state = join(dir, 'state');
  let proc: ReturnType<typeof run> | undefined;
  try {
    const port = await lt.port();
    const args = ['download', torrent, '--out', join(dir, 'dl'), '--port', '0', '--host', '127.0.0.1',
      '--peer', `127.0.0.1:${port}`, '--state', state, '--max-down', '2M'];
    proc = run(args);
    // Wait until some pieces are journaled or snapshotted, then kill -9 without warning.
    const journal = async (): Promise<number> => {
      const files = (await exists(state)) ? await readdir(state) : [];
      const j = files.find((f) => f.endsWith('.journal'));
      const r = files.find((f) => f.endsWith('.resume.json'));
      let n = j ? (await readFile(join(state, j))).length / 4 : 0;
      if (r) {
        const have = Buffer.from((JSON.parse(await readFile(join(state, r), 'utf8')) as { have: string }).have, 'base64');
        for (const b of have) for (let k = 0; k < 8; k++) n += (b >> k) & 1;
      }
      return n;
    };
    await waitUntil(async () => (await journal()) >= 60, 40_000, 'some verified pieces on record', 100);
    proc.child.kill('SIGKILL');
    await proc.done;
    const before = await journal(); // upper bound on distinct pieces (journal entries may repeat snapshot ones)
    proc = run(args.filter((a) => a !== '--max-down' && a !== '2M'));
    const code = await proc.done;
    const out = proc.out();
    assert.equal(code, 0, out);
    const m = /(\d+) verified pieces from resume data, (\d+) re-checked/.exec(out);
    const c = /complete: .*, (\d+) pieces downloaded this run/.exec(out);
    assert.ok(m && c, out);
    const resumed = Number(m[1]);
    const rechecked = Number(m[2]);
    const fetched = Number(c[1]);
    assert.ok(resumed >= 60 && resumed <= before, `resumed ${resumed} of ${before} on record`);
    assert.ok(rechecked < pieceCount / 4, `re-checked ${rechecked} of ${pieceCount}: the whole torrent must not be re-hashed`);
    assert.equal(resumed + fetched, pieceCount, 'exactly the missing pieces were downloaded');
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), files.map((f) => f.path)), []);
  } finally {
    proc?.child.kill('SIGKILL');
    await lt.close();
    await rm(dir, { recursive: true, force: true });
  }
});
