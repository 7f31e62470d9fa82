import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PieceMap } from '../storage/piece-map.ts';
import { piecePriorities, priorityFromName, priorityName } from './file-priorities.ts';

function layout(specs: Array<{ length: number; padding?: boolean }>): Array<{ length: number; offset: number; padding: boolean }> {
  let off = 0;
  return specs.map((s) => {
    const f = { length: s.length, offset: off, padding: s.padding ?? false };
    off += s.length;
    return f;
  });
}

test('a shared piece takes the highest priority; padding-only and skip-only pieces are skipped', () => {
  // piece length 10: file0 [0,15) file1 pad [15,20) file2 [20,35) file3 [35,40)
  const files = layout([{ length: 15 }, { length: 5, padding: true }, { length: 15 }, { length: 5 }]);
  const map = new PieceMap(files, 10, 40);
  assert.deepEqual([...piecePriorities(files, map, [1, 3, 0, 0])], [1, 1, 0, 0]);
  assert.deepEqual([...piecePriorities(files, map, [0, 3, 2, 3])], [0, 0, 2, 3]);
  assert.deepEqual([...piecePriorities(files, map, [1, 0, 3, 0])], [1, 1, 3, 3]);
});

test('names map both ways', () => {
  for (const n of ['skip', 'low', 'normal', 'high'] as const) assert.equal(priorityName(priorityFromName(n)), n);
});

test('each piece has the max priority of the non-padding files it touches (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ length: fc.nat(50), padding: fc.boolean(), prio: fc.nat(3) }), { minLength: 1, maxLength: 10 }),
      fc.integer({ min: 1, max: 40 }),
      (specs, pl) => {
        const files = layout(specs);
        const total = files.reduce((s, f) => s + f.length, 0);
        if (total === 0) return;
        const map = new PieceMap(files, pl, total);
        const got = piecePriorities(files, map, specs.map((s) => s.prio));
        for (let p = 0; p < map.pieceCount; p++) {
          let want = 0;
          for (const s of map.spans(p)) {
            const spec = specs[s.fileIndex];
            if (spec && !spec.padding) want = Math.max(want, spec.prio);
          }
          assert.equal(got[p], want, `piece ${p}`);
        }
      },
    ),
  );
});
