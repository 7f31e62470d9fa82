// `tessera download <file.torrent> --dht-bootstrap` finds its only peer through the DHT: a local
// bootstrap node, a Tessera seed whose DHT announces there, and the CLI (no tracker, no --peer).
// Everything on 127.0.0.1; no reference tools and no public routers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DhtNode } from '../../engine/dht/dht-node.ts';
import { createTorrent } from '../../engine/metainfo/create-torrent.ts';
import { toHex } from '../../engine/metainfo/hex.ts';
import { Session } from '../../engine/session.ts';
import { diffFiles, makePayload, waitUntil } from '../../test-support/engine-fixtures.ts';
import { dhtOptionsFrom } from './download.ts';

const BIN = fileURLToPath(new URL('../../../bin/tessera.cjs', import.meta.url));
const FILES = [{ path: 'a.bin', size: 300_000 }, { path: 'sub/b.bin', size: 70_001 }];

function runCli(args: string[]): { out: () => string; exit: Promise<number | null>; kill: () => void } {
  const cli = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  cli.stdout.on('data', (d: Buffer) => { if (out.length < 200_000) out += d.toString(); });
  cli.stderr.on('data', (d: Buffer) => { if (out.length < 200_000) out += d.toString(); });
  const exit = new Promise<number | null>((r) => cli.once('exit', (c) => r(c)));
  return { out: () => out, exit, kill: () => { cli.kill('SIGKILL'); } };
}

test('--dht / --dht-bootstrap options', () => {
  assert.equal(dhtOptionsFrom({}), undefined);
  assert.deepEqual(dhtOptionsFrom({ dhtBootstrap: ['127.0.0.1:1'] }), { bootstrap: ['127.0.0.1:1'] });
  assert.equal(dhtOptionsFrom({ dht: true })?.bootstrap?.length, 3, 'the public routers (not contacted here)');
  assert.throws(() => dhtOptionsFrom({ dhtBootstrap: ['nope'] }), /HOST:PORT/);
});

test('tessera download <file.torrent> --dht-bootstrap finds a seed through the DHT alone', { timeout: 90_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-cli-dht-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const { bytes, meta } = await createTorrent(src, { pieceLength: 32768 });
  const torrent = join(dir, 'x.torrent');
  await writeFile(torrent, bytes);
  const id = toHex(meta.infoHashV1 as Uint8Array);
  const boot = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [] });
  const seed = await Session.open({
    stateDir: join(dir, 'seed-state'), listenHost: '127.0.0.1', settings: { listenPort: 0, utp: false },
    dht: { host: '127.0.0.1', port: 0, bootstrap: [`127.0.0.1:${boot.port}`] },
  });
  let cli: ReturnType<typeof runCli> | undefined;
  try {
    await seed.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => seed.summaries()[0]?.status === 'seeding', 20_000, 'the seed to verify its data');
    await waitUntil(() => (seed.dht?.node.nodeCount ?? 0) > 0, 10_000, 'the seed\'s DHT to know the bootstrap node');
    // Announce now rather than on the session's schedule, so the test does not wait for a retry.
    await seed.dht?.node.lookupAndAnnounce(meta.infoHashV1 as Uint8Array, seed.port);
    await mkdir(join(dir, 'dl'));
    cli = runCli(['download', torrent, '--out', join(dir, 'dl'), '--port', '0', '--host', '127.0.0.1', '--state', join(dir, 'state'),
      '--dht-bootstrap', `127.0.0.1:${boot.port}`]);
    const code = await Promise.race([cli.exit, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 70_000).unref())]);
    assert.equal(code, 0, cli.out());
    assert.match(cli.out(), /DHT on UDP port \d+/);
    assert.match(cli.out(), /complete: payload/);
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
    assert.ok(seed.summaries().some((s) => s.id === id));
  } finally {
    cli?.kill();
    await seed.close();
    await boot.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a private torrent keeps the DHT off even with --dht-bootstrap', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-cli-dht-priv-'));
  const src = join(dir, 'p.bin');
  await writeFile(src, Buffer.alloc(40_000, 3));
  const { bytes } = await createTorrent(src, { pieceLength: 16384, private: true });
  await writeFile(join(dir, 'p.torrent'), bytes);
  await mkdir(join(dir, 'dl'));
  // The data is already in the download folder: the CLI verifies it, reports complete and exits.
  await writeFile(join(dir, 'dl', 'p.bin'), Buffer.alloc(40_000, 3));
  const cli = runCli(['download', join(dir, 'p.torrent'), '--out', join(dir, 'dl'), '--port', '0', '--host', '127.0.0.1', '--state', join(dir, 'state'),
    '--dht-bootstrap', '127.0.0.1:9']);
  try {
    const code = await Promise.race([cli.exit, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 50_000).unref())]);
    assert.equal(code, 0, cli.out());
    assert.match(cli.out(), /private torrent: the DHT stays off/);
    assert.doesNotMatch(cli.out(), /DHT on UDP port/);
  } finally {
    cli.kill();
    await rm(dir, { recursive: true, force: true });
  }
});
