import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeDetail, encodeDetail, isDetailFrame, SnapshotCodecError } from './snapshot-codec.ts';
import type { TorrentDetail } from './snapshot.ts';

function detail(pieceCount: number, seed: number): TorrentDetail {
  const bf = Math.ceil(pieceCount / 8);
  const have = new Uint8Array(bf);
  const downloading = new Uint8Array(bf);
  const availability = new Uint16Array(pieceCount);
  for (let i = 0; i < pieceCount; i++) {
    if ((i * 7 + seed) % 3 === 0) have[i >> 3]! |= 0x80 >> (i & 7);
    if ((i + seed) % 5 === 0) downloading[i >> 3]! |= 0x80 >> (i & 7);
    availability[i] = (i * 257 + seed) % 65536;
  }
  return {
    id: 'ab'.repeat(20), have, downloading, availability, seedCount: 3,
    peers: [{ id: '127.0.0.1:1', ip: '127.0.0.1', port: 1, client: 'libtorrent', source: 'manual', progress: 1, downRate: 0, upRate: 0, downloaded: 0, uploaded: 0,
      flags: { amChoking: true, amInterested: false, peerChoking: true, peerInterested: false, incoming: false, snubbed: false } }],
    trackers: [],
  };
}

test('a detail round-trips through the binary frame', () => {
  for (const n of [0, 1, 7, 8, 9, 1000]) {
    const d = detail(n, n);
    const frame = encodeDetail(d);
    assert.ok(isDetailFrame(frame));
    assert.deepEqual(decodeDetail(frame), d);
  }
});

test('the frame is compact: about 2.25 bytes per piece plus the JSON rest', () => {
  const d = detail(100_000, 1);
  const frame = encodeDetail(d);
  const json = JSON.stringify({ ...d, have: [...d.have], downloading: [...d.downloading], availability: [...d.availability] });
  assert.ok(frame.length < 100_000 * 2.25 + 1000, `frame ${frame.length}`);
  assert.ok(frame.length * 2 < json.length, `frame ${frame.length} vs JSON ${json.length}`);
});

test('decoding a frame at a non-zero offset of a larger buffer works', () => {
  const d = detail(33, 2);
  const frame = encodeDetail(d);
  const big = new Uint8Array(frame.length + 10);
  big.set(frame, 5);
  assert.deepEqual(decodeDetail(big.subarray(5, 5 + frame.length)), d);
});

test('encode refuses bitfields that do not match the piece count', () => {
  const d = detail(16, 0);
  assert.throws(() => encodeDetail({ ...d, have: new Uint8Array(1) }), SnapshotCodecError);
});

test('truncated, extended and random frames are refused with a typed error, never a crash', () => {
  const frame = encodeDetail(detail(50, 3));
  for (let cut = 0; cut < frame.length; cut++) assert.throws(() => decodeDetail(frame.subarray(0, cut)), SnapshotCodecError);
  const longer = new Uint8Array(frame.length + 1);
  longer.set(frame);
  assert.throws(() => decodeDetail(longer), SnapshotCodecError);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
    const b = new Uint8Array(bytes);
    if (b.length >= 2) { b[0] = 0x54; b[1] = 0x44; }
    if (b.length >= 3) b[2] = 1;
    try { decodeDetail(b); } catch (e) { assert.ok(e instanceof SnapshotCodecError); }
  }), { numRuns: 500 });
});

test('a header claiming a huge piece count is refused before allocating', () => {
  const frame = encodeDetail(detail(8, 0));
  new DataView(frame.buffer).setUint32(4, 0xffffffff, true);
  assert.throws(() => decodeDetail(frame), /too large/);
});
