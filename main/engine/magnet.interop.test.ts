// Magnet links (BEP 9) against a python3-libtorrent seed on loopback: the seed found through a
// tracker (tr=), or dialled directly (x.pe=); and a lying peer whose metadata does not match the
// info-hash is dropped while the honest seed's copy is used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from '../test-support/reference-tools.ts';
import { LtPeer } from '../test-support/lt-peer.ts';
import { diffFiles, makePayload, makeTorrent, waitUntil } from '../test-support/engine-fixtures.ts';
import { startTracker } from '../tracker/index.ts';
import { Session } from './session.ts';
import { parseTorrent } from './metainfo/parse-torrent.ts';
import { toHex } from './metainfo/hex.ts';
import { encodeHandshake } from './wire/handshake.ts';
import { encodeMessage } from './wire/messages.ts';
import { WireDecoder } from './wire/decoder.ts';
import { decodeExtensionHandshake, encodeExtensionHandshake } from './wire/extension-handshake.ts';
import { bencode } from './bencode/encode.ts';
import { decodeMetadataMessage, encodeMetadataMessage, serveMetadataPiece } from './extensions/ut-metadata.ts';
import { generatePeerId } from './peer/peer-id.ts';

const FILES = [
  { path: 'a.bin', size: 700 * 1024 + 5 },
  { path: 'sub/b.bin', size: 300 * 1024 },
];

async function setup(trackers: string[] = []): Promise<{ dir: string; src: string; torrent: string; id: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-magnet-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const torrent = join(dir, 'x.torrent');
  const bytes = await makeTorrent(src, torrent, { log2Piece: 15, trackers });
  return { dir, src, torrent, id: toHex(parseTorrent(bytes).infoHashV1 as Uint8Array) };
}

async function openSession(dir: string, encryption: 'plaintext' | 'prefer' | 'require' = 'prefer'): Promise<Session> {
  return Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0, downloadDir: join(dir, 'dl'), encryption } });
}

async function expectComplete(session: Session, id: string, dir: string, src: string): Promise<void> {
  await waitUntil(() => { const s = session.summaries().find((x) => x.id === id); return s?.status === 'seeding' || s?.status === 'completed'; },
    45_000, 'the magnet download to complete');
  assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
}

test('a magnet with tr= finds a libtorrent seed through the tracker and downloads', { timeout: 70_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const tracker = await startTracker({ http: { host: '127.0.0.1', port: 0 }, interval: 5, minInterval: 1 });
  const url = tracker.httpUrl as string;
  const { dir, src, torrent, id } = await setup([url]);
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 65 });
  const session = await openSession(dir);
  try {
    await lt.port();
    const s = await session.addMagnet(`magnet:?xt=urn:btih:${id}&dn=payload&tr=${encodeURIComponent(url)}`);
    assert.equal(s.id, id);
    assert.equal(s.status, 'metadata');
    await expectComplete(session, id, dir, src);
    assert.equal(session.summaries().filter((x) => x.id === id).length, 1, 'one row once the metadata arrived');
    assert.ok(session.torrentFile(id) !== undefined, 'the built .torrent is kept');
  } finally {
    await session.close();
    await lt.close();
    await tracker.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a magnet with x.pe= downloads from that peer; a restart keeps the torrent', { timeout: 70_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, id } = await setup();
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 65 });
  let session = await openSession(dir);
  try {
    const port = await lt.port();
    await session.addMagnet(`magnet:?xt=urn:btih:${id}&x.pe=127.0.0.1:${port}`);
    await expectComplete(session, id, dir, src);
    await session.close();
    session = await openSession(dir);
    await waitUntil(() => session.summaries().find((x) => x.id === id)?.status === 'seeding', 20_000, 'the restored torrent to seed');
    assert.equal(session.summaries().length, 1);
  } finally {
    await session.close();
    await lt.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('with encryption required, the metadata and the data both come over MSE/RC4 from a libtorrent that forces it', { timeout: 70_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, id } = await setup();
  // libtorrent refuses plaintext both ways: a plaintext metadata dial would never get the info dict.
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 65, enc: 'forced' });
  const session = await openSession(dir, 'require');
  try {
    const port = await lt.port();
    await session.addMagnet(`magnet:?xt=urn:btih:${id}&x.pe=127.0.0.1:${port}`);
    await expectComplete(session, id, dir, src);
  } finally {
    await session.close();
    await lt.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a magnet waiting for metadata survives a restart', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-magnet-'));
  let session = await openSession(dir);
  const id = 'ab'.repeat(20);
  try {
    await session.addMagnet(`magnet:?xt=urn:btih:${id}&dn=waiting`);
    assert.equal(session.summaries()[0]?.status, 'metadata');
    await session.close();
    session = await openSession(dir);
    const s = session.summaries()[0];
    assert.equal(s?.id, id);
    assert.equal(s?.name, 'waiting');
    assert.equal(s?.status, 'metadata');
    session.pause(id);
    assert.equal(session.summaries()[0]?.status, 'paused');
    await session.remove(id, { deleteData: false });
    assert.equal(session.summaries().length, 0);
  } finally {
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** A peer that speaks just enough BEP 3/10/9 to serve `info` (a dict that is NOT the real one). */
async function startLiar(infoHash: Uint8Array, info: Uint8Array): Promise<{ port: number; closed: Promise<void>; server: net.Server }> {
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((r) => { resolveClosed = r; });
  // Plaintext only (the session under test dials it with encryption off).
  const server = net.createServer((sock) => {
    const dec = new WireDecoder({ handshake: true });
    let theirId = 0;
    sock.on('error', () => {});
    sock.on('close', () => resolveClosed());
    sock.write(encodeHandshake({ infoHash, peerId: generatePeerId(), extended: true }));
    sock.on('data', (chunk: Buffer) => {
      for (const ev of dec.push(chunk)) {
        if (ev.type === 'handshake') {
          sock.write(encodeMessage({ type: 'extended', id: 0, payload: encodeExtensionHandshake({ m: new Map([['ut_metadata', 7]]), metadataSize: info.length }) }));
        } else if (ev.type === 'extended' && ev.id === 0) {
          theirId = decodeExtensionHandshake(ev.payload).m.get('ut_metadata') ?? 0;
        } else if (ev.type === 'extended' && ev.id === 7) {
          const req = decodeMetadataMessage(ev.payload);
          if (req.type === 'request') sock.write(encodeMessage({ type: 'extended', id: theirId, payload: encodeMetadataMessage(serveMetadataPiece(info, req.piece)) }));
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, closed, server };
}

test('metadata from a lying peer is rejected and the peer dropped; the honest seed\'s copy is used', { timeout: 70_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, id } = await setup();
  const real = parseTorrent(await readFile(torrent));
  // A well-formed info dict of the same shape but other piece hashes: only the hash check catches it.
  const fake = bencode({ length: 1000, name: 'payload', 'piece length': 32768, pieces: new Uint8Array(20).fill(7) });
  const liar = await startLiar(real.infoHashV1 as Uint8Array, fake);
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 65 });
  const session = await openSession(dir, 'plaintext');
  const warnings: string[] = [];
  session.on('torrent:warning', (_id, m) => warnings.push(m));
  try {
    await session.addMagnet(`magnet:?xt=urn:btih:${id}&x.pe=127.0.0.1:${liar.port}`);
    await liar.closed;
    await waitUntil(() => warnings.some((w) => w.includes(`127.0.0.1:`) && w.includes('does not match the info-hash')), 10_000, 'the liar to be dropped');
    assert.equal(session.summaries()[0]?.status, 'metadata', 'still waiting: the lie was not accepted');
    const port = await lt.port();
    await session.addMagnet(`magnet:?xt=urn:btih:${id}`, { peers: [{ host: '127.0.0.1', port }] });
    await expectComplete(session, id, dir, src);
    assert.equal(session.summaries()[0]?.name, 'payload');
  } finally {
    await session.close();
    await lt.close();
    liar.server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('tessera download <magnet> fetches the metadata and the data, exit 0', { timeout: 70_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, id } = await setup();
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 65 });
  const bin = fileURLToPath(new URL('../../bin/tessera.cjs', import.meta.url));
  let child: ReturnType<typeof spawn> | undefined;
  try {
    const port = await lt.port();
    child = spawn(process.execPath, [bin, 'download', `magnet:?xt=urn:btih:${id}&x.pe=127.0.0.1:${port}`, '--out', join(dir, 'dl'),
      '--port', '0', '--host', '127.0.0.1', '--state', join(dir, 'state')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
    const c = child;
    const code = await new Promise<number | null>((res) => c.once('exit', (x) => res(x)));
    assert.equal(code, 0, out);
    assert.match(out, /complete: payload/);
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
  } finally {
    child?.kill('SIGKILL');
    await lt.close();
    await rm(dir, { recursive: true, force: true });
  }
});
