// MetadataFetcher against scripted fake peers on loopback: a metadata_size above the cap closes
// the connection before anything is allocated or requested; a peer that rejects is let go; the
// honest copy (served by a third fake) is verified and emitted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { MetadataFetcher } from './torrent-metadata.ts';
import { PeerLimits } from './peer-limits.ts';
import { generatePeerId } from './peer/peer-id.ts';
import { encodeHandshake } from './wire/handshake.ts';
import { encodeMessage } from './wire/messages.ts';
import { WireDecoder } from './wire/decoder.ts';
import { bencode } from './bencode/encode.ts';
import { decodeExtensionHandshake, encodeExtensionHandshake } from './wire/extension-handshake.ts';
import { MAX_METADATA_SIZE, decodeMetadataMessage, encodeMetadataMessage, serveMetadataPiece } from './extensions/ut-metadata.ts';

type Behaviour = 'oversize' | 'reject' | 'honest';

async function fakePeer(infoHash: Uint8Array, info: Uint8Array, how: Behaviour): Promise<{ port: number; requests: number[]; closed: Promise<void>; server: net.Server }> {
  const requests: number[] = [];
  let onClosed: () => void = () => {};
  const closed = new Promise<void>((r) => { onClosed = r; });
  const server = net.createServer((sock) => {
    const dec = new WireDecoder({ handshake: true });
    let theirs = 0;
    sock.on('error', () => {});
    sock.on('close', () => onClosed());
    sock.write(encodeHandshake({ infoHash, peerId: generatePeerId(), extended: true }));
    sock.on('data', (chunk: Buffer) => {
      for (const ev of dec.push(chunk)) {
        if (ev.type === 'handshake') {
          const size = how === 'oversize' ? MAX_METADATA_SIZE + 1 : info.length;
          sock.write(encodeMessage({ type: 'extended', id: 0, payload: encodeExtensionHandshake({ m: new Map([['ut_metadata', 9]]), metadataSize: size }) }));
        } else if (ev.type === 'extended' && ev.id === 0) {
          theirs = decodeExtensionHandshake(ev.payload).m.get('ut_metadata') ?? 0;
        } else if (ev.type === 'extended' && ev.id === 9) {
          const m = decodeMetadataMessage(ev.payload);
          if (m.type !== 'request') continue;
          requests.push(m.piece);
          const reply = how === 'reject' ? { type: 'reject' as const, piece: m.piece } : serveMetadataPiece(info, m.piece);
          sock.write(encodeMessage({ type: 'extended', id: theirs, payload: encodeMetadataMessage(reply) }));
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, requests, closed, server };
}

test('metadata fetcher: oversize and rejecting peers are let go, the honest copy is verified', { timeout: 20_000 }, async () => {
  const info = bencode({ length: 40_000, name: 'x', 'piece length': 16384, pieces: new Uint8Array(60).fill(1), pad: new Uint8Array(30_000) });
  const ih = createHash('sha1').update(info).digest();
  const oversize = await fakePeer(ih, info, 'oversize');
  const reject = await fakePeer(ih, info, 'reject');
  const limits = new PeerLimits(10);
  const f = new MetadataFetcher({ infoHashV1: ih, trackers: [], peers: [`127.0.0.1:${oversize.port}`, `127.0.0.1:${reject.port}`] },
    { peerId: generatePeerId(), limits, listenPort: () => 0 });
  let honest: Awaited<ReturnType<typeof fakePeer>> | undefined;
  try {
    const got = new Promise<Uint8Array>((r) => f.once('metadata', r));
    f.start();
    await oversize.closed;
    assert.deepEqual(oversize.requests, [], 'nothing requested from a peer announcing more than the cap');
    await reject.closed;
    assert.ok(reject.requests.length >= 1);
    honest = await fakePeer(ih, info, 'honest');
    f.addPeer('127.0.0.1', honest.port, 'manual');
    const bytes = await Promise.race([got, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no metadata')), 10_000).unref())]);
    assert.deepEqual(Buffer.from(bytes), Buffer.from(info));
    assert.deepEqual(honest.requests.sort(), Array.from({ length: Math.ceil(info.length / 16384) }, (_, i) => i));
    assert.ok(info.length > 16384, 'more than one metadata piece');
  } finally {
    await f.stop();
    for (const p of [oversize, reject, honest]) p?.server.close();
  }
  assert.equal(limits.used, 0, 'every connection slot was given back');
});
