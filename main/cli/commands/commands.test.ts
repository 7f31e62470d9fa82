// The four metainfo commands end to end through the real CLI entry (bin/tessera.cjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, readFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/tessera.cjs', import.meta.url));

// bin/tessera.cjs runs the CLI compiled by esbuild (rebuilt when a source is newer); 'tsx' runs
// the same entry through the tsx fallback, which must behave the same.
function run(args: string[], cwd: string, entry: 'bin' | 'tsx' = 'bin'): { status: number | null; stdout: string; stderr: string } {
  const env = entry === 'tsx' ? { ...process.env, TESSERA_CLI_TSX: '1' } : process.env;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function withData<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-cli-'));
  try {
    await mkdir(path.join(dir, 'data', 'sub'), { recursive: true });
    await writeFile(path.join(dir, 'data', 'a.bin'), new Uint8Array(80_000).map((_, i) => (i * 5) & 0xff));
    await writeFile(path.join(dir, 'data', 'sub', 'b.txt'), 'bee');
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('create -> info --json -> magnet -> verify, with the documented schemas and exit codes', async () => {
  await withData(async (dir) => {
    const c = run(['create', 'data', '-o', 'd.torrent', '--hybrid', '--piece-length', '16K', '-a', 'http://a/,http://b/', '-a', 'udp://c/', '-w', 'http://w/', '--private', '--source', 'S', '--comment', 'C', '--no-date', '--created-by', 'me', '--json'], dir, 'tsx');
    assert.equal(c.status, 0, c.stderr);
    const created = JSON.parse(c.stdout);
    assert.equal(created.output, 'd.torrent');
    const i = run(['info', 'd.torrent', '--json'], dir);
    assert.equal(i.status, 0, i.stderr);
    const info = JSON.parse(i.stdout);
    assert.equal(info.schema, 'tessera.info/1');
    assert.deepEqual({ ...created, output: undefined }, { ...info, output: undefined });
    assert.equal(info.version, 'hybrid');
    assert.match(info.infoHashV1, /^[0-9a-f]{40}$/);
    assert.match(info.infoHashV2, /^[0-9a-f]{64}$/);
    assert.equal(info.pieceLength, 16384);
    assert.equal(info.totalSize, 80_003);
    assert.equal(info.private, true);
    assert.equal(info.source_tag, 'S');
    assert.equal(info.comment, 'C');
    assert.equal(info.creationDate, null);
    assert.equal(info.createdBy, 'me');
    assert.deepEqual(info.trackers, [['http://a/', 'http://b/'], ['udp://c/']]);
    assert.deepEqual(info.webSeeds, ['http://w/']);
    assert.deepEqual(info.files, [{ path: 'a.bin', size: 80_000 }, { path: 'sub/b.txt', size: 3 }]);
    const m = run(['magnet', 'd.torrent'], dir);
    assert.equal(m.stdout.trim(), info.magnet);
    assert.ok(m.stdout.includes(`xt=urn:btih:${info.infoHashV1}`) && m.stdout.includes(`xt=urn:btmh:1220${info.infoHashV2}`));
    const mi = run(['info', info.magnet, '--json'], dir);
    assert.equal(JSON.parse(mi.stdout).infoHashV2, info.infoHashV2);
    const text = run(['info', 'd.torrent'], dir);
    assert.match(text.stdout, /Info-hash v1:\s+[0-9a-f]{40}/);
    assert.match(text.stdout, /tier 1: udp:\/\/c\//);
    assert.match(text.stdout, /└─ b\.txt/);

    const v = run(['verify', 'd.torrent', '--path', '.', '--json'], dir);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout).ok, true);
    const fh = await open(path.join(dir, 'data', 'a.bin'), 'r+');
    await fh.write(Buffer.from([0xee]), 0, 1, 50_000);
    await fh.close();
    const bad = run(['verify', 'd.torrent', '--path', '.', '--json'], dir);
    assert.equal(bad.status, 1);
    const rep = JSON.parse(bad.stdout);
    assert.equal(rep.schema, 'tessera.verify/1');
    assert.deepEqual(rep.badPieces, [Math.floor(50_000 / 16384)]);
    assert.deepEqual(rep.files.map((f: { status: string }) => f.status), ['bad', 'ok']);
    assert.equal(run(['verify', 'd.torrent', '--path', 'nowhere'], dir).status, 2);
  });
});

test('reproducible bytes with --no-date', async () => {
  await withData(async (dir) => {
    for (const flag of ['--v1', '--v2', '--hybrid']) {
      assert.equal(run(['create', 'data', '-o', 'x.torrent', flag, '--no-date'], dir).status, 0);
      const a = await readFile(path.join(dir, 'x.torrent'));
      assert.equal(run(['create', 'data', '-o', 'y.torrent', flag, '--no-date'], dir).status, 0);
      assert.deepEqual(await readFile(path.join(dir, 'y.torrent')), a);
    }
  });
});

test('bad input: one-line errors, no stack trace, status 2; --help for every command', async () => {
  await withData(async (dir) => {
    await writeFile(path.join(dir, 'junk.torrent'), 'd4:infoi1ee');
    const cases: string[][] = [
      ['info', 'junk.torrent'], ['info', 'missing.torrent'], ['info', 'magnet:?xt=urn:btih:zz'], ['magnet', 'junk.torrent'],
      ['verify', 'junk.torrent', '--path', '.'], ['create', 'nope'], ['create', 'data', '--v1', '--v2'], ['create', 'data', '--piece-length', 'lots'],
      ['create', 'data', '--v2', '--piece-length', '1000'],
    ];
    for (const args of cases) {
      const r = run(args, dir);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(lines[0]!, /^tessera: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    assert.match(run(['info', 'junk.torrent'], dir).stderr, /info: must be a dictionary/);
    const dbg = run(['--debug', 'info', 'junk.torrent'], dir);
    assert.match(dbg.stderr, /\n\s+at /);
    for (const cmd of ['create', 'info', 'verify', 'magnet']) {
      const h = run([cmd, '--help'], dir);
      assert.equal(h.status, 0);
      assert.match(h.stdout, new RegExp(`Usage: tessera ${cmd}`));
    }
  });
});

test('output into a pipe whose reader stops early (`| head`): a quiet exit with the command\'s status, no EPIPE trace', async () => {
  await withData(async (dir) => {
    // 3,000 files: `info` prints a line for each, far more than a pipe holds (64 KiB).
    const many = path.join(dir, 'many');
    await mkdir(many);
    for (let i = 0; i < 3000; i++) await writeFile(path.join(many, `file-with-a-longish-name-${String(i).padStart(5, '0')}.txt`), String(i));
    assert.equal(run(['create', 'many', '-o', 'many.torrent', '--no-date'], dir).status, 0);
    // Through a real pipe into `head` (a spawned child's stdout is a socket pair, whose buffer holds it all).
    const r = spawnSync('bash', ['-c', `"$0" "$1" info many.torrent 2>err.txt | head -n 1 >/dev/null; exit \${PIPESTATUS[0]}`, process.execPath, BIN],
      { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const stderr = await readFile(path.join(dir, 'err.txt'), 'utf8');
    assert.equal(r.status, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|\n\s+at /);
  });
});
