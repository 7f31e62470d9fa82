// TorrentHashes with stand-in peers: who is asked, what a liar costs, what is served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BLOCK, rootFromLayer } from './metainfo/merkle.ts';
import { toHex } from './metainfo/hex.ts';
import type { Metainfo } from './metainfo/types.ts';
import type { PeerState } from './peer/peer-state.ts';
import type { WireMessage } from './wire/messages.ts';
import { Bitfield } from './wire/bitfield.ts';
import { TorrentHashes, type HashesHost } from './torrent-hashes.ts';

const PIECES = 40;
const layer = new Uint8Array(randomBytes(PIECES * 32));
const root = rootFromLayer(layer, BLOCK);
const v2 = new Uint8Array(randomBytes(32));

function meta(version: 'v2' | 'hybrid', withLayers: boolean): Metainfo {
  return {
    version, infoHashV2: v2, ...(version === 'hybrid' ? { infoHashV1: new Uint8Array(20).fill(1) } : {}),
    infoBytes: new Uint8Array(0), name: 'x', pieceLength: BLOCK, pieceCount: PIECES, totalLength: PIECES * BLOCK,
    files: [{ path: ['a'], length: PIECES * BLOCK - 5, offset: 0, padding: false, attr: '', piecesRoot: root }],
    multiFile: false, private: false, announce: [], urlList: [], httpSeeds: [],
    ...(withLayers ? { pieceLayers: new Map([[toHex(root), layer]]) } : {}),
  };
}

interface Fake { peer: PeerState; sent: WireMessage[] }
function fakePeer(key: number, infoHash: Uint8Array): Fake {
  const sent: WireMessage[] = [];
  const peer = {
    key, badPieces: 0, soleBadPieces: 0, has: Bitfield.full(PIECES),
    conn: { remote: { infoHash }, closed: false, ip: '127.0.0.1', port: 1000 + key, send: (m: WireMessage) => { sent.push(m); } },
  } as unknown as PeerState;
  return { peer, sent };
}

function host(peers: PeerState[]): HashesHost & { peers: Map<number, PeerState>; banned: string[]; warnings: string[]; dirty: number } {
  const h = {
    peers: new Map(peers.map((p) => [p.key, p])), banned: [] as string[], warnings: [] as string[], dirty: 0,
    ban(_p: PeerState, why: string) { h.banned.push(why); },
    emit(ev: 'dirty' | 'warning', m?: string): boolean { if (ev === 'dirty') h.dirty++; else h.warnings.push(m ?? ''); return true; },
  };
  return h as typeof h & HashesHost;
}

test('only v2-hash connections are asked; an honest reply completes the layers; a liar is penalised and never asked again', () => {
  const server = new TorrentHashes(meta('v2', true), PIECES);
  const th = new TorrentHashes(meta('v2', false), PIECES);
  assert.ok(!th.ready, 'a v2-only torrent waits for its layers');
  const v1peer = fakePeer(1, new Uint8Array(20).fill(1));
  const liar = fakePeer(2, v2.slice(0, 20));
  const h = host([v1peer.peer, liar.peer]);
  th.tick(h, 0);
  assert.equal(v1peer.sent.length, 0, 'libtorrent drops peers sending hash messages on a v1 connection');
  const req = liar.sent[0];
  assert.ok(req !== undefined && req.type === 'hash-request');
  const good = server.layers?.serve(req);
  assert.ok(good !== undefined && good.type === 'hashes');
  const forged = good.hashes.slice();
  forged[0] = (forged[0] ?? 0) ^ 0xff;
  th.onMessage(h, liar.peer, { ...good, hashes: forged }, 0);
  assert.equal(liar.peer.soleBadPieces, 1);
  assert.equal(h.warnings.length, 1);
  th.tick(h, 1000);
  assert.equal(liar.sent.length, 1, 'a distrusted peer is not asked again');
  // An honest v2 peer gets the range (the liar's request was settled) and completes the layer.
  const honest = fakePeer(3, v2.slice(0, 20));
  h.peers.set(3, honest.peer);
  th.tick(h, 2000);
  const r2 = honest.sent[0];
  assert.ok(r2 !== undefined && r2.type === 'hash-request');
  const reply = server.layers?.serve(r2);
  assert.ok(reply !== undefined && reply.type === 'hashes');
  th.onMessage(h, honest.peer, reply, 2000);
  assert.ok(th.ready);
  assert.ok(h.dirty > 0, 'the session is told to persist the learned layer');
  assert.deepEqual(th.learned().get(toHex(root)), layer);
  // Unsolicited hashes from the liar, even correct ones, change nothing and cost nothing more.
  th.onMessage(h, liar.peer, reply, 3000);
  assert.equal(liar.peer.soleBadPieces, 1);
  assert.deepEqual(h.banned, []);
});

test('a second bad proof bans the peer, like a second corrupt piece it alone sent', () => {
  const server = new TorrentHashes(meta('v2', true), PIECES);
  const th = new TorrentHashes(meta('v2', false), PIECES);
  const liar = fakePeer(2, v2.slice(0, 20));
  liar.peer.soleBadPieces = 1;
  const h = host([liar.peer]);
  th.tick(h, 0);
  const req = liar.sent[0];
  assert.ok(req !== undefined && req.type === 'hash-request');
  const s = server.layers?.serve(req);
  assert.ok(s !== undefined && s.type === 'hashes');
  th.onMessage(h, liar.peer, { ...s, hashes: s.hashes.subarray(32) }, 0);
  assert.equal(h.banned.length, 1);
});

test('serving: requests answered from held layers within a per-peer budget, then rejected; a hybrid is ready at once', () => {
  const th = new TorrentHashes(meta('hybrid', true), PIECES);
  assert.ok(th.ready);
  const p = fakePeer(1, v2.slice(0, 20));
  const h = host([p.peer]);
  const req = { type: 'hash-request' as const, piecesRoot: root, baseLayer: 0, index: 0, length: 64, proofLayers: 5 };
  for (let i = 0; i < 100; i++) th.onMessage(h, p.peer, req, 0);
  const types = p.sent.map((m) => m.type);
  assert.equal(types.filter((x) => x === 'hashes').length, 68, 'budget: 4 per 512-hash range + 64');
  assert.equal(types.filter((x) => x === 'hash-reject').length, 32);
  const ok = p.sent[0];
  assert.ok(ok !== undefined && ok.type === 'hashes' && ok.hashes.length === 64 * 32);
});
