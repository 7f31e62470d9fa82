import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Bitfield } from '../wire/bitfield.ts';
import { PiecePicker, BLOCK_SIZE, type BlockRequest } from './picker.ts';

/** Deterministic [0,1) generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bf(n: number, bits: number[]): Bitfield {
  const b = new Bitfield(n);
  for (const i of bits) b.set(i);
  return b;
}

const KiB = 1024;

test('blocks of a piece cover it exactly; the last block of the last piece is short', () => {
  const p = new PiecePicker({ pieceLength: 64 * KiB, totalLength: 64 * KiB * 2 + 20_000 });
  assert.equal(p.pieceCount, 3);
  assert.equal(p.pieceSize(2), 20_000);
  const r = p.pick('all', 1, 100);
  const byPiece = new Map<number, BlockRequest[]>();
  for (const q of r) byPiece.set(q.piece, [...(byPiece.get(q.piece) ?? []), q]);
  assert.equal(r.length, 4 + 4 + 2);
  const last = (byPiece.get(2) ?? []).sort((a, b) => a.begin - b.begin);
  assert.deepEqual(last, [
    { piece: 2, begin: 0, length: BLOCK_SIZE },
    { piece: 2, begin: BLOCK_SIZE, length: 20_000 - BLOCK_SIZE },
  ]);
  assert.equal(p.isEndgame, true);
  assert.equal(p.pick('all', 2, 100).length, 10, 'endgame: every block asked of a second peer');
  assert.deepEqual(p.pick('all', 3, 100), [], 'at most two requesters per block by default');
});

test('rarest first: the piece fewest peers have is picked first', () => {
  const n = 8;
  const p = new PiecePicker({ pieceLength: BLOCK_SIZE, totalLength: BLOCK_SIZE * n, random: rng(1) });
  const a = bf(n, [0, 1, 2, 3, 4, 5]);
  const b = bf(n, [0, 1, 2, 3, 5]);
  const c = bf(n, [0, 1, 2, 5]);
  for (const x of [a, b, c]) p.availability.addPeer(x);
  // availability: 0,1,2,5 → 3; 3 → 2; 4 → 1
  assert.deepEqual(p.pick(a, 1, 1).map((r) => r.piece), [4]);
  assert.deepEqual(p.pick(a, 1, 1).map((r) => r.piece), [3]);
  const next = p.pick(a, 1, 1)[0]?.piece;
  assert.ok(next !== undefined && [0, 1, 2, 5].includes(next));
});

test('tie-break is random: different seeds start different pieces', () => {
  const n = 64;
  const firsts = new Set<number>();
  for (let s = 0; s < 40; s++) {
    const p = new PiecePicker({ pieceLength: BLOCK_SIZE, totalLength: BLOCK_SIZE * n, random: rng(s) });
    p.availability.addPeer('all');
    firsts.add(p.pick('all', 1, 1)[0]?.piece ?? -1);
  }
  assert.ok(firsts.size >= 15, `only ${firsts.size} distinct first picks over 40 seeds`);
});

test('partly downloaded pieces are finished before new ones are started', () => {
  const p = new PiecePicker({ pieceLength: 4 * BLOCK_SIZE, totalLength: 4 * BLOCK_SIZE * 10, random: rng(7) });
  p.availability.addPeer('all');
  const first = p.pick('all', 1, 2);
  assert.equal(new Set(first.map((r) => r.piece)).size, 1);
  const piece = first[0]?.piece;
  const second = p.pick('all', 2, 2);
  assert.deepEqual(second.map((r) => r.piece), [piece, piece]);
  assert.deepEqual(second.map((r) => r.begin), [2 * BLOCK_SIZE, 3 * BLOCK_SIZE]);
});

test('priorities: high before normal before low, skip never', () => {
  const n = 6;
  const p = new PiecePicker({
    pieceLength: BLOCK_SIZE,
    totalLength: BLOCK_SIZE * n,
    priorities: Uint8Array.from([0, 1, 2, 3, 0, 2]),
  });
  p.availability.addPeer('all');
  const order = p.pick('all', 1, 100).map((r) => r.piece);
  assert.equal(order[0], 3);
  assert.deepEqual(new Set(order.slice(1, 3)), new Set([2, 5]));
  assert.equal(order[3], 1);
  assert.equal(order.length, 4);
  assert.equal(p.wantedLeft(), 4);
  p.setPriorities(Uint8Array.from([3, 0, 0, 0, 0, 0]));
  assert.equal(p.wantedLeft(), 1);
  assert.deepEqual(p.pick('all', 2, 100).map((r) => r.piece), [0]);
});

test('onBlock, verification and the have bitfield', () => {
  const p = new PiecePicker({ pieceLength: 2 * BLOCK_SIZE, totalLength: 2 * BLOCK_SIZE });
  p.availability.addPeer('all');
  const [a, b] = p.pick('all', 9, 10);
  assert.ok(a && b);
  assert.deepEqual(p.onBlock(0, 5, BLOCK_SIZE, 9), { accepted: false, pieceComplete: false, cancels: [] });
  assert.deepEqual(p.onBlock(0, 0, 100, 9).accepted, false, 'wrong length');
  assert.deepEqual(p.onBlock(0, 0, BLOCK_SIZE, 9), { accepted: true, pieceComplete: false, cancels: [] });
  assert.equal(p.onBlock(0, 0, BLOCK_SIZE, 9).accepted, false, 'duplicate');
  assert.equal(p.downloadingBitfield().get(0), true);
  assert.deepEqual(p.onBlock(0, BLOCK_SIZE, BLOCK_SIZE, 9), { accepted: true, pieceComplete: true, cancels: [] });
  p.onPieceVerified(0);
  assert.equal(p.hasPiece(0), true);
  assert.equal(p.downloadingBitfield().get(0), false);
  assert.equal(p.wantedLeft(), 0);
  assert.equal(p.outstanding(9), 0);
  assert.deepEqual(p.pick('all', 9, 10), []);
});

test('hash failure: blocks are discarded, contributors blamed, piece requested again', () => {
  const p = new PiecePicker({ pieceLength: 2 * BLOCK_SIZE, totalLength: 2 * BLOCK_SIZE });
  p.availability.addPeer('all');
  p.availability.addPeer('all');
  p.pick('all', 1, 1);
  p.pick('all', 2, 1);
  p.onBlock(0, 0, BLOCK_SIZE, 1);
  assert.equal(p.onBlock(0, BLOCK_SIZE, BLOCK_SIZE, 2).pieceComplete, true);
  assert.deepEqual(p.onPieceFailed(0).sort(), [1, 2]);
  assert.equal(p.hasPiece(0), false);
  assert.equal(p.pick('all', 3, 10).length, 2);
});

test('a failed request and a departed peer give their blocks back', () => {
  const p = new PiecePicker({ pieceLength: 4 * BLOCK_SIZE, totalLength: 4 * BLOCK_SIZE });
  p.availability.addPeer('all');
  const got = p.pick('all', 1, 4);
  assert.equal(got.length, 4);
  assert.equal(p.outstanding(1), 4);
  p.onRequestFailed(0, BLOCK_SIZE, 1);
  assert.deepEqual(p.pick('all', 2, 1), [{ piece: 0, begin: BLOCK_SIZE, length: BLOCK_SIZE }]);
  p.onPeerGone(1);
  assert.equal(p.outstanding(1), 0);
  assert.deepEqual(p.pick('all', 3, 3).map((r) => r.begin), [0, 2 * BLOCK_SIZE, 3 * BLOCK_SIZE]);
});

test('endgame: duplicates requests for outstanding blocks and cancels the losers', () => {
  const p = new PiecePicker({ pieceLength: 2 * BLOCK_SIZE, totalLength: 2 * BLOCK_SIZE, endgameMaxRequesters: 2 });
  p.availability.addPeer('all');
  p.availability.addPeer('all');
  assert.equal(p.isEndgame, false);
  assert.equal(p.pick('all', 1, 2).length, 2);
  assert.equal(p.isEndgame, true);
  const dup = p.pick('all', 2, 5);
  assert.equal(dup.length, 2, 'each outstanding block asked once more');
  assert.deepEqual(p.pick('all', 3, 5), [], 'capped at two requesters');
  const r = p.onBlock(0, 0, BLOCK_SIZE, 2);
  assert.equal(r.accepted, true);
  assert.deepEqual(r.cancels, [{ peerKey: 1, piece: 0, begin: 0, length: BLOCK_SIZE }]);
  assert.equal(p.onBlock(0, 0, BLOCK_SIZE, 1).accepted, false, 'late copy dropped');
  assert.equal(p.outstanding(1), 1);
  assert.equal(p.outstanding(2), 1);
});

test('allowed-fast restricts picks to those pieces', () => {
  const n = 10;
  const p = new PiecePicker({ pieceLength: BLOCK_SIZE, totalLength: BLOCK_SIZE * n });
  p.availability.addPeer('all');
  const got = p.pick('all', 1, 10, { allowedFast: new Set([7, 3, 99]) });
  assert.deepEqual(got.map((r) => r.piece).sort(), [3, 7]);
});

test('a peer with few pieces still gets the rarest of them', () => {
  const n = 4000;
  const p = new PiecePicker({ pieceLength: BLOCK_SIZE, totalLength: BLOCK_SIZE * n, random: rng(3) });
  const common = bf(n, Array.from({ length: n }, (_, i) => i).filter((i) => i !== 1234));
  p.availability.addPeer(common);
  const small = bf(n, [10, 1234, 3000]);
  p.availability.addPeer(small);
  assert.deepEqual(p.pick(small, 5, 1).map((r) => r.piece), [1234]);
});

test('availability: a peer completing by HAVE becomes a seed; counts stay consistent', () => {
  const p = new PiecePicker({ pieceLength: BLOCK_SIZE, totalLength: BLOCK_SIZE * 3 });
  const x = bf(3, [0, 1]);
  p.availability.addPeer(x);
  assert.deepEqual([...p.availability.counts], [1, 1, 0]);
  assert.equal(p.availability.have(x, 1), false, 'duplicate have');
  assert.equal(p.availability.have(x, 2), true);
  assert.deepEqual([...p.availability.counts], [0, 0, 0]);
  assert.equal(p.availability.seeds, 1);
  p.availability.removePeer(x);
  assert.equal(p.availability.seeds, 0);
  assert.equal(p.availability.peers, 0);
});

test('isInteresting and wants', () => {
  const p = new PiecePicker({ pieceLength: BLOCK_SIZE, totalLength: BLOCK_SIZE * 10, have: bf(10, [1, 2]) });
  assert.equal(p.isInteresting(bf(10, [1, 2])), false);
  assert.equal(p.isInteresting(bf(10, [9])), true);
  assert.equal(p.wants(1), false);
  assert.equal(p.wants(9), true);
});

// ---- model-based property test -----------------------------------------------------------------

type Op =
  | { t: 'join'; peer: number; bits: boolean[]; seed: boolean }
  | { t: 'have'; peer: number; piece: number }
  | { t: 'pick'; peer: number; max: number }
  | { t: 'deliver'; peer: number; k: number }
  | { t: 'fail'; peer: number; k: number }
  | { t: 'leave'; peer: number }
  | { t: 'prio'; prios: number[] };

const N = 12;
const PL = 3 * BLOCK_SIZE;
const TOTAL = PL * (N - 1) + 20_000;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('join' as const), peer: fc.nat(5), bits: fc.array(fc.boolean(), { minLength: N, maxLength: N }), seed: fc.boolean() }),
  fc.record({ t: fc.constant('have' as const), peer: fc.nat(5), piece: fc.nat(N - 1) }),
  fc.record({ t: fc.constant('pick' as const), peer: fc.nat(5), max: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ t: fc.constant('pick' as const), peer: fc.nat(5), max: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ t: fc.constant('deliver' as const), peer: fc.nat(5), k: fc.nat(50) }),
  fc.record({ t: fc.constant('deliver' as const), peer: fc.nat(5), k: fc.nat(50) }),
  fc.record({ t: fc.constant('fail' as const), peer: fc.nat(5), k: fc.nat(50) }),
  fc.record({ t: fc.constant('leave' as const), peer: fc.nat(5) }),
  fc.record({ t: fc.constant('prio' as const), prios: fc.array(fc.nat(3), { minLength: N, maxLength: N }) }),
);

test('picker invariants hold under random swarms (property)', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 80 }), fc.nat(), fc.boolean(), (ops, seed, failHashes) => {
      const p = new PiecePicker({ pieceLength: PL, totalLength: TOTAL, random: rng(seed) });
      const peers = new Map<number, Bitfield | 'all'>();
      const outstanding = new Map<number, BlockRequest[]>(); // per peer, in request order
      let prios = new Array<number>(N).fill(2);
      for (const op of ops) {
        if (op.t === 'join') {
          if (peers.has(op.peer)) continue;
          const has: Bitfield | 'all' = op.seed ? 'all' : bf(N, op.bits.flatMap((b, i) => (b ? [i] : [])));
          peers.set(op.peer, has);
          p.availability.addPeer(has);
        } else if (op.t === 'have') {
          const has = peers.get(op.peer);
          if (has) p.availability.have(has, op.piece);
        } else if (op.t === 'leave') {
          const has = peers.get(op.peer);
          if (!has) continue;
          p.availability.removePeer(has);
          p.onPeerGone(op.peer);
          peers.delete(op.peer);
          outstanding.delete(op.peer);
        } else if (op.t === 'prio') {
          prios = op.prios;
          p.setPriorities(Uint8Array.from(prios));
        } else if (op.t === 'pick') {
          const has = peers.get(op.peer);
          if (!has) continue;
          const endgameBefore = p.isEndgame;
          // Rarest-first oracle, computed before picking when no piece is open.
          const reqs = p.pick(has, op.peer, op.max);
          assert.ok(reqs.length <= op.max);
          const mine = outstanding.get(op.peer) ?? [];
          for (const r of reqs) {
            assert.ok(has === 'all' || has.get(r.piece), 'peer lacks the piece');
            assert.notEqual(prios[r.piece], 0, 'skip piece requested');
            assert.equal(p.hasPiece(r.piece), false, 'verified piece requested');
            assert.equal(r.begin % BLOCK_SIZE, 0);
            assert.ok(r.begin + r.length <= p.pieceSize(r.piece));
            assert.ok(!mine.some((m) => m.piece === r.piece && m.begin === r.begin), 'same block twice to one peer');
            if (!endgameBefore && !p.isEndgame) {
              for (const [other, list] of outstanding) {
                if (other === op.peer) continue;
                assert.ok(!list.some((m) => m.piece === r.piece && m.begin === r.begin), 'block requested twice outside endgame');
              }
            }
          }
          outstanding.set(op.peer, [...mine, ...reqs]);
          assert.equal(p.outstanding(op.peer), outstanding.get(op.peer)?.length);
        } else if (op.t === 'deliver' || op.t === 'fail') {
          const list = outstanding.get(op.peer);
          if (!list || list.length === 0) continue;
          const [r] = list.splice(op.k % list.length, 1);
          if (!r) continue;
          if (op.t === 'fail') {
            p.onRequestFailed(r.piece, r.begin, op.peer);
            continue;
          }
          const res = p.onBlock(r.piece, r.begin, r.length, op.peer);
          for (const c of res.cancels) {
            const l = outstanding.get(c.peerKey) ?? [];
            const i = l.findIndex((m) => m.piece === c.piece && m.begin === c.begin);
            assert.ok(i >= 0, 'cancel for a block that peer was not asked for');
            l.splice(i, 1);
          }
          if (res.pieceComplete) {
            if (failHashes && r.piece % 2 === 0) {
              const blamed = p.onPieceFailed(r.piece);
              assert.ok(blamed.includes(op.peer));
            } else {
              p.onPieceVerified(r.piece);
            }
          }
        }
      }
      // Counts match the peers still connected.
      let seeds = 0;
      const counts = new Array<number>(N).fill(0);
      for (const has of peers.values()) {
        if (has === 'all' || has.isFull()) seeds++;
        else for (const i of has.setBits()) counts[i] = (counts[i] ?? 0) + 1;
      }
      assert.equal(p.availability.seeds, seeds);
      assert.deepEqual([...p.availability.counts], counts);
    }),
    { numRuns: 300 },
  );
});

test('rarest first holds for every fresh pick (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.boolean(), { minLength: N, maxLength: N }), { minLength: 1, maxLength: 6 }),
      fc.nat(),
      (fields, seed) => {
        const p = new PiecePicker({ pieceLength: BLOCK_SIZE, totalLength: BLOCK_SIZE * N, random: rng(seed) });
        const peers = fields.map((bits) => bf(N, bits.flatMap((b, i) => (b ? [i] : []))));
        for (const x of peers) p.availability.addPeer(x);
        const picker = peers[0] as Bitfield;
        // One-block pieces: every pick starts a fresh piece, which must be the rarest left it has.
        const taken = new Set<number>();
        for (;;) {
          const [r] = p.pick(picker, 1, 1);
          if (!r) break;
          const candidates = [...picker.setBits()].filter((i) => !taken.has(i));
          const min = Math.min(...candidates.map((i) => p.availability.get(i)));
          assert.equal(p.availability.get(r.piece), min);
          taken.add(r.piece);
        }
        if (!picker.isFull()) assert.equal(taken.size, picker.count());
      },
    ),
  );
});
