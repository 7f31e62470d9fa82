// A hybrid torrent is in two swarms: a peer may name it by its v1 info-hash or by its SHA-256
// info-hash truncated to 20 bytes (BEP 52), in a plaintext handshake or as an MSE SKEY. Each
// gets an answer with the hash it used; an unknown hash is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { createTorrent } from './metainfo/create-torrent.ts';
import { parseTorrent } from './metainfo/parse-torrent.ts';
import { makePayload, waitUntil } from '../test-support/engine-fixtures.ts';
import { decodeHandshake, encodeHandshake } from './wire/handshake.ts';
import { mseConnect } from './transport/mse/negotiate.ts';
import { Session } from './session.ts';

function read68(s: Duplex, timeoutMs = 5000): Promise<Buffer | 'closed'> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error('no reply')), timeoutMs);
    s.on('data', (c: Buffer) => {
      parts.push(c);
      const all = Buffer.concat(parts);
      if (all.length >= 68) { clearTimeout(timer); resolve(all.subarray(0, 68)); }
    });
    s.on('close', () => { clearTimeout(timer); resolve('closed'); });
    s.on('error', () => undefined);
  });
}

test('hybrid: handshakes by the v1 hash and by the truncated v2 hash both reach the torrent, plaintext and MSE', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-hybrid-'));
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  try {
    const src = join(dir, 'seed', 'payload');
    await makePayload(src, [{ path: 'a.bin', size: 100_000 }, { path: 'b.bin', size: 5000 }]);
    const { bytes } = await createTorrent(src, { pieceLength: 32768, version: 'hybrid', creationDate: null });
    const meta = parseTorrent(bytes);
    await session.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => session.summaries()[0]?.status === 'seeding', 20_000, 'the seed check');
    const v1 = Buffer.from(meta.infoHashV1 ?? new Uint8Array());
    const v2 = Buffer.from(meta.infoHashV2 ?? new Uint8Array()).subarray(0, 20);
    for (const hash of [v1, v2]) {
      for (const mse of [false, true]) {
        const sock = net.connect(session.port, '127.0.0.1');
        await new Promise((r) => sock.once('connect', r));
        const stream: Duplex = mse ? (await mseConnect(sock, { skey: hash, policy: 'require' })).stream : sock;
        const reply = read68(stream);
        stream.write(encodeHandshake({ infoHash: hash, peerId: randomBytes(20), fast: true, extended: true }));
        const got = await reply;
        assert.notEqual(got, 'closed', `${mse ? 'MSE' : 'plaintext'} by ${hash === v1 ? 'v1' : 'v2'} hash was answered`);
        if (got !== 'closed') assert.deepEqual(Buffer.from(decodeHandshake(got).infoHash), hash, 'answered with the hash it used');
        stream.destroy();
      }
    }
    const sock = net.connect(session.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const reply = read68(sock);
    sock.write(encodeHandshake({ infoHash: randomBytes(20), peerId: randomBytes(20) }));
    assert.equal(await reply, 'closed', 'an unknown info-hash is dropped');
  } finally {
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
});
