// BEP 5 against python3-libtorrent on loopback: a magnet with ONLY an info-hash (no tr=, no x.pe=)
// downloads from a libtorrent seed found through the DHT alone. libtorrent's DHT bootstraps from
// Tessera's node (127.0.0.1), Tessera has no bootstrap nodes at all; nothing else is on.
// Then the routing table is saved and restored (same node id, libtorrent's node remembered).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON, requireTools } from '../../test-support/reference-tools.ts';
import { diffFiles, makePayload, makeTorrent, waitUntil } from '../../test-support/engine-fixtures.ts';
import { parseTorrent } from '../metainfo/parse-torrent.ts';
import { toHex } from '../metainfo/hex.ts';
import { Session } from '../session.ts';

const SCRIPT = fileURLToPath(new URL('../../test-support/lt-dht-seed.py', import.meta.url));
const FILES = [{ path: 'a.bin', size: 500_000 }, { path: 'b/c.bin', size: 123_457 }];

test('a magnet with only an info-hash downloads from a libtorrent seed found through the DHT', { timeout: 90_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-dht-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const torrent = join(dir, 'x.torrent');
  const id = toHex(parseTorrent(await makeTorrent(src, torrent, { log2Piece: 15 })).infoHashV1 as Uint8Array);
  const open = (): Promise<Session> => Session.open({
    stateDir: join(dir, 'state'), listenHost: '127.0.0.1',
    settings: { listenPort: 0, downloadDir: join(dir, 'dl') }, dht: { host: '127.0.0.1', port: 0, bootstrap: [] },
  });
  let session = await open();
  const dhtPort = session.dht?.node.port ?? 0;
  const nodeId = session.dht?.node.nodeId;
  const lt = spawn(PYTHON, [SCRIPT, '--torrent', torrent, '--save', join(dir, 'seed'), '--bootstrap', `127.0.0.1:${dhtPort}`, '--timeout', '85'],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let ltOut = '';
  lt.stdout.on('data', (d: Buffer) => { if (ltOut.length < 200_000) ltOut += d.toString(); });
  lt.stderr.on('data', (d: Buffer) => { if (ltOut.length < 200_000) ltOut += d.toString(); });
  const exited = new Promise<void>((r) => lt.once('exit', () => r()));
  try {
    await waitUntil(() => /"event": "listening", "port": (\d+)/.test(ltOut), 15_000, 'libtorrent to listen');
    const ltPort = Number(/"event": "listening", "port": (\d+)/.exec(ltOut)?.[1]);
    const found: Array<{ id: string; port: number }> = [];
    session.dht?.node.on('peer', (ih, _host, port) => found.push({ id: ih, port }));
    await session.addMagnet(`magnet:?xt=urn:btih:${id}`);
    await waitUntil(() => session.summaries().find((x) => x.id === id)?.status === 'seeding', 70_000,
      'the DHT-only magnet download', 100).catch((e: unknown) => { throw new Error(`${String(e)}\nlibtorrent: ${ltOut.slice(-3000)}`); });
    assert.ok(found.some((f) => f.id === id && f.port === ltPort), `the DHT reported the libtorrent seed (${JSON.stringify(found)})`);
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);

    await session.close();
    const saved = JSON.parse(await readFile(join(dir, 'state', 'dht.json'), 'utf8')) as { nodeId: string; nodes: Array<{ port: number }> };
    assert.equal(saved.nodeId, nodeId);
    assert.ok(saved.nodes.some((n) => n.port === ltPort), 'libtorrent\'s node is in the saved routing table');
    session = await open();
    assert.equal(session.dht?.node.nodeId, nodeId, 'the node id survives a restart');
    await waitUntil(() => (session.dht?.node.nodeCount ?? 0) > 0, 10_000, 'the restored routing table');
  } finally {
    await session.close();
    lt.stdin.end();
    const kill = setTimeout(() => lt.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
    await rm(dir, { recursive: true, force: true });
  }
});

test('tessera download <magnet> --dht-bootstrap finds a libtorrent seed through the DHT', { timeout: 90_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-dhtcli-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const torrent = join(dir, 'x.torrent');
  const id = toHex(parseTorrent(await makeTorrent(src, torrent, { log2Piece: 15 })).infoHashV1 as Uint8Array);
  const bin = fileURLToPath(new URL('../../../bin/tessera.cjs', import.meta.url));
  // The CLI's only bootstrap node is a dead loopback port: libtorrent bootstraps from the CLI instead.
  const cli = spawn(process.execPath, [bin, 'download', `magnet:?xt=urn:btih:${id}`, '--out', join(dir, 'dl'), '--port', '0', '--host', '127.0.0.1',
    '--state', join(dir, 'state'), '--dht-bootstrap', '127.0.0.1:9'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let cliOut = '';
  cli.stdout.on('data', (d: Buffer) => { cliOut += d.toString(); });
  cli.stderr.on('data', (d: Buffer) => { if (cliOut.length < 100_000) cliOut += d.toString(); });
  const cliExit = new Promise<number | null>((r) => cli.once('exit', (c) => r(c)));
  let lt: ReturnType<typeof spawn> | undefined;
  try {
    await waitUntil(() => /DHT on UDP port (\d+)/.test(cliOut), 20_000, 'the CLI to report its DHT port');
    const dhtPort = Number(/DHT on UDP port (\d+)/.exec(cliOut)?.[1]);
    lt = spawn(PYTHON, [SCRIPT, '--torrent', torrent, '--save', join(dir, 'seed'), '--bootstrap', `127.0.0.1:${dhtPort}`, '--timeout', '85'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const code = await Promise.race([cliExit, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 70_000).unref())]);
    assert.equal(code, 0, cliOut);
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
  } finally {
    cli.kill('SIGKILL');
    if (lt !== undefined && lt.exitCode === null && lt.signalCode === null) {
      const p = lt;
      const gone = new Promise<void>((r) => p.once('exit', () => r()));
      p.stdin?.end();
      const kill = setTimeout(() => p.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(kill);
    }
    await rm(dir, { recursive: true, force: true });
  }
});
