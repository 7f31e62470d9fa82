import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testBit } from '../../canvas/bits.ts';
import { fileVerdict, goodPieceBits, verifySummary } from './verify-view.ts';

test('bits, verdicts, summary', () => {
  const r = {
    ok: false, pieceCount: 10, badPieces: [3, 9],
    files: [
      { path: 'a', length: 1, status: 'ok' as const, badPieces: 0 },
      { path: 'b', length: 1, status: 'bad' as const, badPieces: 1 },
      { path: 'c', length: 1, status: 'missing' as const, badPieces: 1 },
    ],
  };
  const bits = goodPieceBits(r);
  for (let i = 0; i < 10; i++) assert.equal(testBit(bits, i), i !== 3 && i !== 9);
  assert.equal(fileVerdict(r.files[1]!), '1 bad piece');
  assert.equal(fileVerdict(r.files[2]!), 'Missing');
  assert.equal(verifySummary(r), '2 of 10 pieces bad, in 2 files.');
  assert.match(verifySummary({ ...r, ok: true, badPieces: [] }), /All 10 pieces are good/);
});
