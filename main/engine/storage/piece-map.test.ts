import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PieceMap, layoutLength } from './piece-map.ts';

function contiguous(lengths: number[], padding: boolean[] = []): { length: number; offset: number; padding: boolean }[] {
  let off = 0;
  return lengths.map((length, i) => { const f = { length, offset: off, padding: padding[i] ?? false }; off += length; return f; });
}

test('single file: piece sizes and spans', () => {
  const m = new PieceMap(contiguous([100]), 32, 100);
  assert.equal(m.pieceCount, 4);
  assert.deepEqual([0, 1, 2, 3].map((i) => m.pieceSize(i)), [32, 32, 32, 4]);
  assert.deepEqual(m.spans(3), [{ fileIndex: 0, fileOffset: 96, pieceOffset: 0, length: 4, padding: false }]);
  assert.deepEqual(m.spans(1, 10, 5), [{ fileIndex: 0, fileOffset: 42, pieceOffset: 10, length: 5, padding: false }]);
  assert.throws(() => m.spans(4), RangeError);
  assert.throws(() => m.spans(3, 0, 5), RangeError);
});

test('multi file with an empty file and a pad file', () => {
  const files = contiguous([10, 0, 6, 16, 3], [false, false, true, false, false]);
  const m = new PieceMap(files, 16, 35);
  assert.equal(m.pieceCount, 3);
  assert.deepEqual(m.spans(0).map((s) => [s.fileIndex, s.fileOffset, s.pieceOffset, s.length, s.padding]), [[0, 0, 0, 10, false], [2, 0, 10, 6, true]]);
  assert.deepEqual(m.filePieceRange(1), { first: 0, last: -1 });
  assert.deepEqual(m.filePieceRange(3), { first: 1, last: 1 });
  assert.deepEqual(m.filePieceRange(4), { first: 2, last: 2 });
  assert.equal(m.pieceSize(2), 3);
});

test('v2 piece-aligned layout: a file\'s last piece is short, gaps belong to no file', () => {
  const files = [{ length: 20, offset: 0, padding: false }, { length: 5, offset: 32, padding: false }];
  const m = new PieceMap(files, 16, layoutLength(files));
  assert.equal(m.pieceCount, 3);
  assert.equal(m.pieceSize(1), 4);
  assert.equal(m.pieceSize(2), 5);
  assert.deepEqual(m.spans(1), [{ fileIndex: 0, fileOffset: 16, pieceOffset: 0, length: 4, padding: false }]);
});

test('property: spans tile every piece exactly, in order, matching a byte-by-byte model', () => {
  fc.assert(fc.property(
    fc.array(fc.record({ len: fc.nat(70), pad: fc.boolean() }), { minLength: 1, maxLength: 8 }),
    fc.integer({ min: 1, max: 40 }),
    (fs, pl) => {
      const files = contiguous(fs.map((f) => f.len), fs.map((f) => f.pad));
      const total = files.reduce((s, f) => s + f.length, 0);
      const m = new PieceMap(files, pl, total);
      assert.equal(m.pieceCount, Math.ceil(total / pl));
      // owner[b] = file holding stream byte b
      const owner: number[] = [];
      files.forEach((f, i) => { for (let k = 0; k < f.length; k++) owner.push(i); });
      for (let p = 0; p < m.pieceCount; p++) {
        let at = 0;
        for (const s of m.spans(p)) {
          assert.equal(s.pieceOffset, at);
          for (let k = 0; k < s.length; k++) assert.equal(owner[p * pl + at + k], s.fileIndex);
          assert.equal(files[s.fileIndex]!.offset + s.fileOffset, p * pl + at);
          assert.equal(s.padding, files[s.fileIndex]!.padding);
          at += s.length;
        }
        assert.equal(at, m.pieceSize(p));
      }
      files.forEach((f, i) => {
        const r = m.filePieceRange(i);
        if (f.length === 0) assert.ok(r.first > r.last);
        else for (let p = r.first; p <= r.last; p++) assert.ok(m.spans(p).some((s) => s.fileIndex === i));
      });
    },
  ), { numRuns: 300 });
});
