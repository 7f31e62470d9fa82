import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { BLOCK, fileRoot, padHash, pieceLayer, rootFromLayer } from '../metainfo/merkle.ts';
import { toHex } from '../metainfo/hex.ts';
import type { Metainfo, TorrentFile } from '../metainfo/types.ts';
import type { HashRange } from '../wire/messages.ts';
import { checkProof, PieceLayers } from './hash-layers.ts';

/**
 * A v2 Metainfo with files of the given piece counts and random piece layers (no data needed: a
 * pieces root is a function of the layer). Returns the meta without layers and the layers.
 */
function synthetic(pieceLength: number, pieceCounts: number[]): { meta: Metainfo; layers: Map<string, Uint8Array> } {
  const files: TorrentFile[] = [];
  const layers = new Map<string, Uint8Array>();
  let offset = 0;
  pieceCounts.forEach((n, i) => {
    const length = n === 1 ? 5000 : (n - 1) * pieceLength + 777;
    const layer = new Uint8Array(randomBytes(n * 32));
    const root = n === 1 ? new Uint8Array(randomBytes(32)) : rootFromLayer(layer, pieceLength);
    if (n > 1) layers.set(toHex(root), layer);
    files.push({ path: [`f${i}`], length, offset, padding: false, attr: '', piecesRoot: root });
    offset += n * pieceLength;
  });
  const pieceCount = offset / pieceLength;
  const meta: Metainfo = {
    version: 'v2', infoHashV2: new Uint8Array(32), infoBytes: new Uint8Array(0), name: 'x', pieceLength, pieceCount,
    totalLength: offset, files, multiFile: true, private: false, announce: [], urlList: [], httpSeeds: [],
  };
  return { meta, layers };
}

const withLayers = (meta: Metainfo, layers: Map<string, Uint8Array>): Metainfo => ({ ...meta, pieceLayers: layers });

/** Ask `server` for everything `client` lacks, as two peers would; returns the requests made. */
function transfer(client: PieceLayers, server: PieceLayers, peer = 1): HashRange[] {
  const made: HashRange[] = [];
  for (let r = client.nextRequest(peer, 0); r !== undefined; r = client.nextRequest(peer, 0)) {
    made.push(r);
    const reply = server.serve(r);
    assert.equal(reply.type, 'hashes', `served ${JSON.stringify({ ...r, piecesRoot: undefined })}`);
    if (reply.type !== 'hashes') break;
    const res = client.onHashes(peer, reply, reply.hashes);
    assert.equal(res.kind, 'ok', JSON.stringify(res));
  }
  return made;
}

test('a client learns every piece layer from a serving peer, proofs checked; request shapes match libtorrent', () => {
  const pl = 4 * BLOCK;
  const { meta, layers } = synthetic(pl, [1100, 2, 1, 513, 3]);
  const server = new PieceLayers(withLayers(meta, layers), meta.pieceCount);
  assert.ok(server.complete);
  const client = new PieceLayers(meta, meta.pieceCount);
  assert.equal(client.missingFiles, 4);
  assert.ok(client.pieceHashMissing(0));
  assert.ok(!client.pieceHashMissing(1102), 'a one-piece file needs no layer');
  const made = transfer(client, server);
  assert.ok(client.complete);
  for (const [hex, layer] of layers) assert.deepEqual(client.layer(hex), layer);
  assert.deepEqual(client.learned(), layers);
  // 1100 pieces: 3 requests, the last 76 pieces padded to 128; 2 pieces: one request of 2.
  const shapes = made.map((r) => [r.baseLayer, r.index, r.length, r.proofLayers]);
  assert.deepEqual(shapes, [[2, 0, 512, 10], [2, 512, 512, 10], [2, 1024, 128, 10], [2, 0, 2, 0], [2, 0, 512, 9], [2, 512, 2, 9], [2, 0, 4, 1]]);
  assert.deepEqual(client.pieceHash(5), (layers.values().next().value as Uint8Array).subarray(160, 192));
});

test('a layer from merkle.ts over real block hashes is served and proven the same way', () => {
  const pl = 2 * BLOCK;
  const blocks = new Uint8Array(randomBytes(37 * 32)); // 37 blocks: 19 pieces, a short last piece
  const root = fileRoot(blocks, pl);
  const layer = pieceLayer(blocks, pl);
  const meta: Metainfo = {
    version: 'v2', infoHashV2: new Uint8Array(32), infoBytes: new Uint8Array(0), name: 'x', pieceLength: pl, pieceCount: 19,
    totalLength: 19 * pl, files: [{ path: ['a'], length: 37 * BLOCK - 10, offset: 0, padding: false, attr: '', piecesRoot: root }],
    multiFile: false, private: false, announce: [], urlList: [], httpSeeds: [],
  };
  const client = new PieceLayers(meta, 19);
  transfer(client, new PieceLayers(withLayers(meta, new Map([[toHex(root), layer]])), 19));
  assert.deepEqual(client.layer(toHex(root)), layer);
});

test('lying peers: wrong hash, wrong uncle, wrong count, junk past the end → bad; unasked → unrequested', () => {
  const pl = BLOCK;
  const { meta, layers } = synthetic(pl, [600]);
  const server = new PieceLayers(withLayers(meta, layers), meta.pieceCount);
  const client = new PieceLayers(meta, meta.pieceCount);
  const ask = (peer: number): HashRange => {
    const r = client.nextRequest(peer, 0);
    assert.ok(r !== undefined);
    return r;
  };
  const serve = (r: HashRange): Uint8Array => {
    const s = server.serve(r);
    assert.ok(s.type === 'hashes');
    return s.hashes.slice();
  };
  let r = ask(1);
  let h = serve(r);
  h[100] = (h[100] ?? 0) ^ 1; // a base hash
  assert.equal(client.onHashes(1, r, h).kind, 'bad');
  r = ask(1);
  h = serve(r);
  h[h.length - 1] = (h[h.length - 1] ?? 0) ^ 1; // the last uncle
  assert.equal(client.onHashes(1, r, h).kind, 'bad');
  r = ask(1);
  assert.equal(client.onHashes(1, r, serve(r).subarray(32)).kind, 'bad', 'one hash short');
  // Second range (88 pieces padded to 128): a non-pad hash past the file's end, with a root that
  // cannot match anyway, is refused before folding.
  const r2 = ask(1);
  const r1 = ask(1);
  assert.notEqual(r1.index, r2.index);
  const h2 = serve(r2);
  h2.fill(7, 100 * 32, 101 * 32);
  assert.equal(client.onHashes(1, r2, h2).kind, 'bad');
  // Right hashes, but from a peer we did not ask, or for a range we did not ask: ignored, not trusted.
  assert.equal(client.onHashes(2, r1, serve(r1)).kind, 'unrequested');
  assert.equal(client.onHashes(1, { ...r1, proofLayers: r1.proofLayers - 1 }, serve(r1)).kind, 'unrequested');
  // Out of the tree: an index past the padded layer, an unknown root, another layer → a lie.
  assert.equal(client.onHashes(1, { ...r1, index: 1024 }, serve(r1)).kind, 'bad');
  assert.equal(client.onHashes(1, { ...r1, piecesRoot: new Uint8Array(32) }, serve(r1)).kind, 'bad');
  assert.equal(client.onHashes(1, { ...r1, baseLayer: 3 }, serve(r1)).kind, 'bad');
  assert.equal(client.onHashes(1, r1, serve(r1)).kind, 'ok');
  assert.equal(client.onHashes(1, r1, serve(r1)).kind, 'unrequested', 'a duplicate reply');
  assert.ok(!client.complete);
  client.peerGone(1);
  transfer(client, server, 3);
  assert.ok(client.complete);
});

test('requests time out, are rejected, or follow what the peer has', () => {
  const { meta, layers } = synthetic(BLOCK, [1024, 3]);
  const client = new PieceLayers(meta, meta.pieceCount);
  const a = client.nextRequest(1, 0);
  const b = client.nextRequest(1, 0);
  const c = client.nextRequest(1, 0);
  assert.ok(a !== undefined && b !== undefined && c !== undefined);
  assert.equal(client.nextRequest(2, 1000), undefined, 'all in flight');
  assert.equal(client.inFlight(1), 3);
  assert.ok(client.onReject(1, b));
  assert.ok(!client.onReject(2, a), 'not asked of peer 2');
  assert.deepEqual(client.nextRequest(2, 1000), b);
  assert.deepEqual(client.nextRequest(3, 60_000), a, 'timed out');
  // A peer with only the second file's pieces is asked only about it.
  const fresh = new PieceLayers(meta, meta.pieceCount);
  const r = fresh.nextRequest(4, 0, (p) => p >= 1024);
  assert.ok(r !== undefined && r.length === 4 && toHex(r.piecesRoot) === [...layers.keys()][1]);
  assert.equal(fresh.nextRequest(4, 0, (p) => p >= 1024), undefined);
});

test('serving refuses what it cannot or should not answer (hash reject), bounded', () => {
  const pl = 2 * BLOCK;
  const { meta, layers } = synthetic(pl, [700, 2]);
  const server = new PieceLayers(withLayers(meta, layers), meta.pieceCount);
  const root = meta.files[0]?.piecesRoot as Uint8Array;
  const ok: HashRange = { piecesRoot: root, baseLayer: 1, index: 512, length: 512, proofLayers: 9 };
  assert.equal(server.serve(ok).type, 'hashes');
  const bad: Array<Partial<HashRange>> = [
    { baseLayer: 0 }, // block layer: we hold no block hashes
    { piecesRoot: new Uint8Array(32) }, // no such file
    { length: 3 }, { length: 0 }, { length: 1024, index: 0 }, { index: 256 }, { index: 1024 },
    { proofLayers: 10 }, { baseLayer: 11, index: 0, length: 1, proofLayers: 0 }, { index: 0xffffffff },
  ];
  for (const b of bad) assert.equal(server.serve({ ...ok, ...b }).type, 'hash-reject', JSON.stringify({ ...b, piecesRoot: undefined }));
  // Higher layers are served too: base layer 3 of a 1024-wide piece layer has 256 nodes.
  const up = server.serve({ piecesRoot: root, baseLayer: 3, index: 0, length: 256, proofLayers: 7 });
  assert.ok(up.type === 'hashes');
  assert.equal(checkProof(root, 8, { ...up, baseLayer: 0 }, up.hashes, padHash(3)), null);
  // A client without layers serves nothing.
  assert.equal(new PieceLayers(meta, meta.pieceCount).serve(ok).type, 'hash-reject');
});

test('hybrid: layers learned from SHA-1-verified data, adopted only when the file proves out', () => {
  const pl = BLOCK;
  const { meta, layers } = synthetic(pl, [5]);
  const [hex, layer] = [...layers][0] as [string, Uint8Array];
  const a = new PieceLayers(meta, 5);
  for (let p = 0; p < 4; p++) assert.ok(!a.learnFromData(p, layer.subarray(p * 32, p * 32 + 32)));
  assert.ok(a.learnFromData(4, layer.subarray(128, 160)));
  assert.ok(a.complete);
  assert.deepEqual(a.layer(hex), layer);
  const b = new PieceLayers(meta, 5);
  for (let p = 0; p < 5; p++) b.learnFromData(p, p === 2 ? new Uint8Array(32) : layer.subarray(p * 32, p * 32 + 32));
  assert.ok(!b.complete);
  assert.equal(b.pieceHash(0), undefined);
});

test('property: any reply other than the true one is never accepted', () => {
  const { meta, layers } = synthetic(BLOCK, [40]);
  const server = new PieceLayers(withLayers(meta, layers), meta.pieceCount);
  fc.assert(fc.property(fc.nat({ max: 64 * 32 - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
    const client = new PieceLayers(meta, meta.pieceCount);
    const r = client.nextRequest(1, 0);
    assert.ok(r !== undefined);
    const s = server.serve(r);
    assert.ok(s.type === 'hashes');
    const h = s.hashes.slice();
    if (at >= h.length) return;
    h[at] = (h[at] ?? 0) ^ x;
    assert.equal(client.onHashes(1, r, h).kind, 'bad');
  }), { numRuns: 200 });
});
