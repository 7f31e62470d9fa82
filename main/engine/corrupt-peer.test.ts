// A peer that answers every request with garbage (written here with net + the wire codec) next
// to an honest Tessera seed: the leecher detects the bad pieces, blames and bans the liar, never
// reconnects to it, and still completes with byte-identical files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffFiles, makePayload, makeTorrent, waitUntil } from '../test-support/engine-fixtures.ts';
import { requireTools } from '../test-support/reference-tools.ts';
import { parseTorrent } from './metainfo/parse-torrent.ts';
import { WireDecoder } from './wire/decoder.ts';
import { encodeHandshake } from './wire/handshake.ts';
import { encodeMessage, encodePiece } from './wire/messages.ts';
import { Session } from './session.ts';

function liar(infoHash: Uint8Array): Promise<{ port: number; connections: () => number; corruptBlocks: () => number; close: () => Promise<void> }> {
  let connections = 0;
  let corrupt = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    const dec = new WireDecoder({ handshake: true });
    sock.on('data', (chunk: Buffer) => {
      try {
        for (const m of dec.push(chunk)) {
          if (m.type === 'handshake') {
            sock.write(encodeHandshake({ infoHash, peerId: randomBytes(20), fast: true }));
            sock.write(encodeMessage({ type: 'have-all' }));
            sock.write(encodeMessage({ type: 'unchoke' }));
          } else if (m.type === 'request') {
            corrupt++;
            for (const part of encodePiece(m.index, m.begin, randomBytes(m.length))) sock.write(part);
          }
        }
      } catch {
        sock.destroy();
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address() as net.AddressInfo;
    resolve({
      port: addr.port,
      connections: () => connections,
      corruptBlocks: () => corrupt,
      close: () => { for (const s of sockets) s.destroy(); return new Promise((r) => server.close(() => r())); },
    });
  }));
}

test('a peer sending corrupt blocks is blamed and banned; the download completes intact', { timeout: 60_000 }, async (t) => {
  if (!requireTools(t, 'mktorrent')) return;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-corrupt-'));
  const files = [{ path: 'a.bin', size: 3 * 1024 * 1024 }, { path: 'b.bin', size: 1024 * 1024 + 9 }];
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, files);
  const bytes = await makeTorrent(src, join(dir, 'x.torrent'), { log2Piece: 15 });
  const meta = parseTorrent(bytes);
  const bad = await liar(meta.infoHashV1 as Uint8Array);
  const seed = await Session.open({ stateDir: join(dir, 's1'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  const leech = await Session.open({ stateDir: join(dir, 's2'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  const warnings: string[] = [];
  leech.on('torrent:warning', (_id, m) => warnings.push(m));
  try {
    const s = await seed.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => seed.summaries()[0]?.status === 'seeding', 20_000, 'the seed to check its data');
    // The liar first, so it gets requests before the honest seed is even connected.
    await leech.addTorrent(bytes, { savePath: join(dir, 'dl'), peers: [{ host: '127.0.0.1', port: bad.port }] });
    await waitUntil(() => warnings.some((w) => w.startsWith('banned')), 20_000, 'the liar to be banned');
    leech.addPeer(s.id, '127.0.0.1', seed.port);
    await waitUntil(() => leech.summaries()[0]?.status === 'seeding', 40_000, 'the download to complete');
    assert.ok(bad.corruptBlocks() > 0, 'the liar sent corrupt blocks');
    assert.ok(warnings.some((w) => /failed its hash check/.test(w)), 'hash failures were reported');
    const torrent = leech.torrent(s.id);
    assert.ok(torrent?.banned.has(`127.0.0.1:${bad.port}`), 'the liar is on the ban list');
    // A banned address is not dialled again, even when offered again.
    const before = bad.connections();
    leech.addPeer(s.id, '127.0.0.1', bad.port);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(bad.connections(), before);
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), files.map((f) => f.path)), []);
  } finally {
    await leech.close();
    await seed.close();
    await bad.close();
    await rm(dir, { recursive: true, force: true });
  }
});
