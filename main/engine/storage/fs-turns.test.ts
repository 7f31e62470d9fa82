import { test } from 'node:test';
import assert from 'node:assert/strict';
import { turnEvery } from './fs-turns.ts';

test('turnEvery yields a turn of the event loop every n calls', async () => {
  const turn = turnEvery(4, 60_000);
  const yielded: number[] = [];
  for (let i = 1; i <= 12; i++) if (turn() !== undefined) yielded.push(i);
  assert.deepEqual(yielded, [4, 8, 12]);
});

test('turnEvery yields once the time bound has passed, however few the calls', async () => {
  const turn = turnEvery(1_000_000, 5);
  assert.equal(turn(), undefined);
  const until = performance.now() + 8;
  while (performance.now() < until) { /* a slow blocking call */ }
  let ran = false;
  setImmediate(() => { ran = true; }); // work waiting for the loop, e.g. a peer's message
  const t = turn();
  assert.ok(t instanceof Promise, 'a turn after 8 ms of blocking work');
  await t;
  assert.ok(ran, 'the waiting work ran during the turn');
});
