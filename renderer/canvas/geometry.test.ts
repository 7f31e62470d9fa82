import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { piecesAtPixel, pieceStartPixel } from './geometry.ts';

test('pixels partition the pieces exactly, at widths below and above the piece count', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), (n, w) => {
    let next = 0;
    for (let x = 0; x < w; x++) {
      const r = piecesAtPixel(x, n, w);
      if (w >= n) {
        // Each pixel shows exactly one piece, and pieces appear in order without gaps.
        assert.equal(r.end - r.first, 1);
        assert.ok(r.first === next || r.first === next - 1);
        next = r.end;
        assert.ok(pieceStartPixel(r.first, n, w) <= x && x < pieceStartPixel(r.first + 1, n, w));
      } else {
        // Each pixel shows at least one piece; together they cover 0..n-1 once each.
        assert.ok(r.end > r.first);
        assert.equal(r.first, next);
        next = r.end;
      }
    }
    assert.equal(next, n);
  }), { numRuns: 300 });
});

test('known edges: 3 pieces on 10 pixels (edges 0, 3, 6, 10), 10 pieces on 3 pixels', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((x) => piecesAtPixel(x, 3, 10).first), [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
  assert.deepEqual([0, 1, 2].map((x) => piecesAtPixel(x, 10, 3)), [{ first: 0, end: 4 }, { first: 4, end: 7 }, { first: 7, end: 10 }]);
  assert.deepEqual(piecesAtPixel(-1, 10, 3), { first: 0, end: 0 });
  assert.deepEqual(piecesAtPixel(3, 10, 3), { first: 0, end: 0 });
});
