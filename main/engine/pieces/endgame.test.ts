import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DownloadingPiece, BLOCK_SIZE, type BlockRequest } from './downloading-piece.ts';
import { EndgameCandidates } from './endgame.ts';

test('endgame: a requested block is asked of a second peer once, never of its own requester', () => {
  const dl = new DownloadingPiece(2 * BLOCK_SIZE);
  const e = new EndgameCandidates(2, 2);
  for (let i = 0; i < 2; i++) { const b = dl.takeFree(1); e.requested(b); }
  const dls = new Map([[0, dl]]);
  const prio = Uint8Array.of(2);
  const own: BlockRequest[] = [];
  e.pick(dls, prio, () => true, 1, new Set(), 10, own);
  assert.deepEqual(own, [], 'peer 1 already has both blocks requested');
  const out: BlockRequest[] = [];
  const reqs = new Set<number>();
  e.pick(dls, prio, () => true, 2, reqs, 10, out);
  assert.deepEqual(out.map((r) => r.begin), [0, BLOCK_SIZE]);
  assert.deepEqual([...reqs], [0, 1]);
  assert.equal(e.size, 0, 'both blocks reached the requester cap');
  const third: BlockRequest[] = [];
  e.pick(dls, prio, () => true, 3, new Set(), 10, third);
  assert.deepEqual(third, []);
});

test('endgame: with one requester allowed there are no candidates; stale and skipped pieces are left alone', () => {
  const single = new EndgameCandidates(1, 1);
  single.requested(0);
  assert.equal(single.size, 0);
  const dl = new DownloadingPiece(BLOCK_SIZE);
  const e = new EndgameCandidates(2, 1);
  e.requested(dl.takeFree(1));
  e.requested(5); // piece 5 is not downloading: stale
  const out: BlockRequest[] = [];
  e.pick(new Map([[0, dl]]), Uint8Array.of(0, 0, 0, 0, 0, 0), () => true, 2, new Set(), 10, out);
  assert.deepEqual(out, [], 'priority 0 (skipped) pieces get no duplicate requests');
  assert.equal(e.size, 1, 'the stale entry is dropped, the skipped one kept');
  e.forget(0);
  assert.equal(e.size, 0);
});
