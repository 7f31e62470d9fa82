import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { BLOCK, cryptoLeaves, cryptoPairs, fileRoot, merkleRoot, pieceLayer, rootFromLayer, type PairHasher } from './merkle.ts';
import { fastLeaves, nativePairs } from '../hashing/native-sha1.ts';

// BEP 52 written out as directly as possible, one node at a time: a tree over the leaves padded
// with zero hashes to `width`; a piece's hash is the root of its pieceLength/16 KiB leaves; a
// file's root is the tree over all its leaves padded to a power of two, and at least one piece
// wide when the file spans more than one piece.
const ZERO = new Uint8Array(32);
const h = (a: Uint8Array, b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(a).update(b).digest());
function naiveRoot(leaves: Uint8Array[], width: number): Uint8Array {
  if (width === 1) return leaves[0] ?? ZERO;
  const half = width / 2;
  return h(naiveRoot(leaves.slice(0, half), half), naiveRoot(leaves.slice(half), half));
}
const split = (b: Uint8Array): Uint8Array[] => Array.from({ length: b.length / 32 }, (_, i) => b.subarray(i * 32, i * 32 + 32));
const pow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const native = nativePairs();
const hashers: Array<[string, PairHasher]> = [['node:crypto', cryptoPairs]];
if (native) hashers.push(['addon', native]);
else console.error('[merkle.test] the native pair hasher is not available here (no addon): node:crypto only');

const leavesArb = fc.integer({ min: 1, max: 300 }).chain((n) => fc.uint8Array({ minLength: n * 32, maxLength: n * 32 }));
const pieceArb = fc.constantFrom(BLOCK, 2 * BLOCK, 4 * BLOCK, 16 * BLOCK, 64 * BLOCK);

for (const [name, pairs] of hashers) {
  test(`merkle (${name}): piece layers, file roots and padded roots equal the node-by-node definition`, () => {
    fc.assert(fc.property(leavesArb, pieceArb, (blocks, pl) => {
      const leaves = split(blocks);
      const per = pl / BLOCK;
      const pieces = Math.ceil(leaves.length / per);
      const layer = Array.from({ length: pieces }, (_, p) => naiveRoot(leaves.slice(p * per, (p + 1) * per), per));
      assert.equal(hex(pieceLayer(blocks, pl, pairs)), layer.map(hex).join(''));
      const width = leaves.length <= per ? pow2(leaves.length) : pow2(pieces) * per;
      assert.equal(hex(fileRoot(blocks, pl, pairs)), hex(naiveRoot(leaves, width)));
      if (pieces > 1) assert.equal(hex(rootFromLayer(pieceLayer(blocks, pl, pairs), pl, pairs)), hex(naiveRoot(leaves, width)));
      const w = pow2(leaves.length) * 2;
      assert.equal(hex(merkleRoot(blocks, w, ZERO, pairs)), hex(naiveRoot(leaves, w)));
    }), { numRuns: 150 });
    assert.equal(hex(merkleRoot(new Uint8Array(0), 4, ZERO, pairs)), hex(naiveRoot([], 4)), 'no leaves at all');
  });
}

test('merkle: the native pair hasher and node:crypto agree on every level size', { skip: native ? undefined : 'no native pair hasher here' }, () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2000 }).chain((n) => fc.uint8Array({ minLength: n * 64, maxLength: n * 64 })), (level) => {
    assert.equal(hex((native as PairHasher)(level)), hex(cryptoPairs(level)));
  }), { numRuns: 100 });
});

test('leaves: the engine\'s LeafHasher (the addon where it loads) equals node:crypto per 16 KiB block', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 20 * BLOCK }), fc.integer(), (len, seed) => {
    const data = new Uint8Array(len).map((_, i) => (i * 2654435761 + seed) >>> 24);
    assert.equal(hex(fastLeaves(data)), hex(cryptoLeaves(data)));
  }), { numRuns: 60 });
});
