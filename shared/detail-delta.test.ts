import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DELTA_FRAME_VERSION, DetailFrameDecoder, DetailFrameEncoder, KEYFRAME_EVERY } from './detail-delta.ts';
import { encodeDetail, SnapshotCodecError } from './snapshot-codec.ts';
import type { TorrentDetail } from './snapshot.ts';

function detail(id: string, pieces: number, seed: number): TorrentDetail {
  const bf = Math.ceil(pieces / 8);
  const have = new Uint8Array(bf), downloading = new Uint8Array(bf), availability = new Uint16Array(pieces);
  for (let i = 0; i < pieces; i++) {
    if ((i * 7 + seed) % 3 === 0) have[i >> 3]! |= 0x80 >> (i & 7);
    availability[i] = (i * 31 + seed) % 40;
  }
  return { id, have, downloading, availability, seedCount: 1, peers: [], trackers: [] };
}

/** The next tick: a few bytes of `have`, a few availability counts and the request set change. */
function evolve(d: TorrentDetail, r: () => number, changes: number): TorrentDetail {
  const have = d.have.slice(), downloading = new Uint8Array(d.downloading.length), availability = d.availability.slice();
  const n = availability.length;
  for (let k = 0; k < changes; k++) {
    const i = Math.floor(r() * n);
    have[i >> 3]! |= 0x80 >> (i & 7);
    availability[Math.floor(r() * n)] = Math.floor(r() * 70000) % 65536;
    downloading[Math.floor(r() * downloading.length)] = Math.floor(r() * 256);
  }
  return { ...d, have, downloading, availability, seedCount: d.seedCount + 1 };
}

test('a stream of details round-trips through full and delta frames; deltas are small', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer(), fc.integer({ min: 0, max: 40 }), (pieces, seed, changes) => {
    let s = seed >>> 0;
    const r = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
    const enc = new DetailFrameEncoder(), dec = new DetailFrameDecoder();
    let d = detail('aa', pieces, seed & 7);
    for (let k = 0; k < 12; k++) {
      const frame = enc.encode(d);
      assert.deepEqual(dec.decode(frame), d);
      d = evolve(d, r, changes);
    }
  }), { numRuns: 150 });
  // At scale: 100,000 pieces, ~200 changes a tick, the delta is a small fraction of the full frame.
  const enc = new DetailFrameEncoder(), dec = new DetailFrameDecoder();
  let s = 1;
  const r = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const d0 = detail('bb', 100_000, 0);
  const full = enc.encode(d0);
  dec.decode(full);
  const d1 = evolve(d0, r, 200);
  const delta = enc.encode(d1);
  assert.equal(delta[3], 0, 'a delta');
  assert.ok(delta.length * 10 < full.length, `delta ${delta.length} vs full ${full.length}`);
  assert.deepEqual(dec.decode(delta), d1);
});

test('an array that did not change comes back as the same object (the UI skips its redraw)', () => {
  const enc = new DetailFrameEncoder(), dec = new DetailFrameDecoder();
  const d0 = detail('cc', 5000, 1);
  const a = dec.decode(enc.encode(d0));
  const have = d0.have.slice();
  have[3] = 0xff;
  const b = dec.decode(enc.encode({ ...d0, have, seedCount: 9 }));
  assert.equal(b.availability, a.availability);
  assert.equal(b.downloading, a.downloading);
  assert.notEqual(b.have, a.have);
  assert.equal(a.have[3], d0.have[3], 'the earlier detail was not mutated');
  assert.equal(b.seedCount, 9);
});

test('full frames: the first, another torrent, a new piece count, and every KEYFRAME_EVERY frames', () => {
  const enc = new DetailFrameEncoder();
  const d = detail('dd', 800, 2);
  const versions: number[] = [];
  const flags: number[] = [];
  for (let k = 0; k < KEYFRAME_EVERY + 2; k++) flags.push(enc.encode({ ...d, seedCount: k })[3]!);
  assert.equal(flags[0], 1);
  assert.equal(flags[1], 0);
  assert.equal(flags[KEYFRAME_EVERY], 1);
  assert.equal(enc.encode(detail('ee', 800, 2))[3], 1);
  assert.equal(enc.encode(detail('ee', 801, 2))[3], 1);
  versions.push(enc.encode(d)[2]!);
  assert.ok(versions.every((v) => v === DELTA_FRAME_VERSION));
  // The decoder still reads plain version-1 frames.
  assert.deepEqual(new DetailFrameDecoder().decode(encodeDetail(d)), d);
});

test('a delta whose base was missed is refused, and the stream recovers at the next full frame', () => {
  const enc = new DetailFrameEncoder(), dec = new DetailFrameDecoder();
  const d = detail('ff', 400, 3);
  dec.decode(enc.encode(d));
  enc.encode({ ...d, seedCount: 5 }); // lost on the way
  assert.throws(() => dec.decode(enc.encode({ ...d, seedCount: 6 })), SnapshotCodecError);
  const fresh = new DetailFrameDecoder();
  assert.throws(() => fresh.decode(enc.encode({ ...d, seedCount: 7 })), /without its base/);
  let k = 0;
  for (; k < KEYFRAME_EVERY + 1; k++) {
    const f = enc.encode({ ...d, seedCount: 100 + k });
    if (f[3] === 1) { assert.equal(dec.decode(f).seedCount, 100 + k); break; }
    assert.throws(() => dec.decode(f), SnapshotCodecError);
  }
  assert.ok(k <= KEYFRAME_EVERY, 'a full frame came within KEYFRAME_EVERY frames');
  const next = { ...d, seedCount: 999 };
  assert.deepEqual(dec.decode(enc.encode(next)), next);
});

test('truncated or corrupted delta frames throw SnapshotCodecError only, and never patch the base', () => {
  const enc = new DetailFrameEncoder();
  const d0 = detail('99', 300, 4);
  const full = enc.encode(d0);
  const d1 = evolve(d0, () => 0.37, 5);
  const delta = enc.encode(d1);
  assert.equal(delta[3], 0, 'a delta');
  for (let cut = 0; cut < delta.length; cut++) {
    const dec = new DetailFrameDecoder();
    const base = dec.decode(full);
    assert.throws(() => dec.decode(delta.subarray(0, cut)), SnapshotCodecError);
    assert.deepEqual(base, d0);
  }
  fc.assert(fc.property(fc.integer({ min: 4, max: delta.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
    const dec = new DetailFrameDecoder();
    dec.decode(full);
    const bad = delta.slice();
    bad[at] = value;
    try { dec.decode(bad); } catch (e) { assert.ok(e instanceof SnapshotCodecError, String(e)); }
  }), { numRuns: 400 });
});
