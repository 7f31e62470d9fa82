// BEP 10 between two Tessera sessions on loopback: both send extended handshakes, each stores the
// other's m / v / reqq / yourip, an extension registered by name receives messages routed by id
// (also one registered after the peers connected), and a peer's reqq caps our pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from '../metainfo/create-torrent.ts';
import { makePayload, waitUntil } from '../../test-support/engine-fixtures.ts';
import { Session } from '../session.ts';
import { CLIENT_NAME, ExtensionRegistry, sendExtended } from './extensions.ts';
import type { PeerState } from './peer-state.ts';
import { decodeExtensionHandshake } from '../wire/extension-handshake.ts';

test('extension registry: ids from 1, replace keeps the id, handshake carries m/v/reqq/yourip', () => {
  const r = new ExtensionRegistry();
  const a = r.registerExtension('ut_metadata', { onMessage: () => {}, handshakeFields: () => ({ metadataSize: 1234 }) });
  const b = r.registerExtension('ut_pex', { onMessage: () => {} });
  assert.equal(a, 1);
  assert.equal(b, 2);
  assert.equal(r.registerExtension('ut_pex', { onMessage: () => {} }), 2);
  assert.throws(() => r.registerExtension('', { onMessage: () => {} }));
  assert.equal(r.registerExtension('x_fixed', { onMessage: () => {} }, 3), 3, 'a free preferred id is kept');
  assert.equal(r.registerExtension('x_taken', { onMessage: () => {} }, 3), 4, 'a taken one falls back to the next free id');
  const h = decodeExtensionHandshake(r.handshake({ port: 6881, reqq: 500, yourIp: '10.1.2.3' }));
  assert.deepEqual([...h.m], [['ut_metadata', 1], ['ut_pex', 2], ['x_fixed', 3], ['x_taken', 4]]);
  assert.equal(h.client, CLIENT_NAME);
  assert.equal(h.reqq, 500);
  assert.equal(h.port, 6881);
  assert.equal(h.yourIp, '10.1.2.3');
  assert.equal(h.metadataSize, 1234);
  // An address the encoder cannot take is left out rather than failing the handshake.
  assert.equal(decodeExtensionHandshake(r.handshake({ port: 1, reqq: 1, yourIp: 'fe80::1%eth0' })).yourIp, undefined);
});

test('extension protocol between two Tessera peers: handshake stored, messages routed by name', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-ext-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, [{ path: 'a.bin', size: 300_000 }]);
  const { bytes } = await createTorrent(src, { pieceLength: 16384, creationDate: null });
  const open = (name: string, maxDownloadRate = 0): Promise<Session> =>
    Session.open({ stateDir: join(dir, name), listenHost: '127.0.0.1', settings: { listenPort: 0, maxDownloadRate } });
  const seed = await open('s');
  // A slow leecher: the connection must outlive the checks below (a finished leecher drops the seed).
  const leech = await open('l', 100 * 1024);
  try {
    const s = await seed.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => seed.summaries()[0]?.status === 'seeding', 20_000, 'the seed check');
    const st = seed.torrent(s.id);
    assert.ok(st);
    const got: Array<{ from: string; text: string }> = [];
    st.registerExtension('tx_echo', {
      onMessage: (peer, payload) => {
        got.push({ from: peer.client, text: new TextDecoder().decode(payload) });
        sendExtended(peer, 'tx_echo', new TextEncoder().encode('pong'));
      },
    });
    await leech.addTorrent(bytes, { savePath: join(dir, 'dl'), paused: true });
    const lt = leech.torrent(s.id);
    assert.ok(lt);
    const replies: string[] = [];
    const seen: string[] = [];
    lt.registerExtension('tx_echo', {
      onHandshake: (_peer, h) => { seen.push(h.client ?? ''); },
      onMessage: (_peer, payload) => { replies.push(new TextDecoder().decode(payload)); },
    });
    await lt.ready;
    leech.resume(s.id);
    leech.addPeer(s.id, '127.0.0.1', seed.port);
    const first = (): PeerState | undefined => [...lt.peers.values()][0];
    await waitUntil(() => first()?.ext !== undefined, 10_000, 'the seed\'s extension handshake');
    const peer = first();
    assert.ok(peer?.ext);
    assert.equal(peer.client, CLIENT_NAME, 'the v field names the client');
    assert.ok(peer.ext.m.has('tx_echo'));
    assert.equal(peer.ext.yourIp, '127.0.0.1');
    assert.equal(peer.ext.port, seed.port);
    assert.equal(peer.maxRequests, 500);
    assert.deepEqual(seen, [CLIENT_NAME]);
    assert.equal(sendExtended(peer, 'tx_echo', new TextEncoder().encode('ping')), true);
    assert.equal(sendExtended(peer, 'not_there', new Uint8Array(1)), false);
    await waitUntil(() => replies.length > 0, 10_000, 'the echo reply');
    assert.deepEqual(replies, ['pong']);
    assert.deepEqual(got, [{ from: CLIENT_NAME, text: 'ping' }]);

    // Registered after the connection: the handshake is sent again and the peer learns the new id.
    lt.registerExtension('tx_late', { onMessage: () => {} });
    const sp = (): PeerState | undefined => [...st.peers.values()][0];
    await waitUntil(() => sp()?.ext?.m.has('tx_late') === true, 10_000, 'the updated handshake');
    await waitUntil(() => leech.summaries()[0]?.status === 'seeding', 20_000, 'the download');
  } finally {
    await leech.close();
    await seed.close();
    await rm(dir, { recursive: true, force: true });
  }
});
