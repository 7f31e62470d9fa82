import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InlineWrites } from './inline-writes.ts';

test('inline writes: on by default; a slow write sends writes to the pool for the back-off, then inline again', () => {
  let now = 1000;
  const w = new InlineWrites({ slowMs: 5, backoffMs: 10_000, clock: () => now });
  assert.equal(w.now, true);
  w.took(4.9);
  assert.equal(w.now, true, 'a fast write changes nothing');
  w.took(5.1);
  assert.equal(w.now, false, 'a slow write: the pool');
  now += 9_999;
  assert.equal(w.now, false);
  now += 1;
  assert.equal(w.now, true, 'back inline after the back-off');
});

test('inline writes are allowed on the local filesystem under the temp folder (Linux), never on a missing path', async () => {
  const { tmpdir } = await import('node:os');
  const { inlineWritesAllowed } = await import('./inline-writes.ts');
  if (process.platform === 'linux') assert.equal(await inlineWritesAllowed(tmpdir()), true, 'this machine\'s /tmp is ext4 or tmpfs');
  assert.equal(await inlineWritesAllowed('/no/such/folder/at/all'), false);
});
