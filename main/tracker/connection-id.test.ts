import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionIds } from './connection-id.ts';

test('an id verifies for its address only', () => {
  const ids = new ConnectionIds();
  const id = ids.issue('\x7f\0\0\x01');
  assert.equal(id.length, 8);
  assert.ok(ids.verify(id, '\x7f\0\0\x01'));
  assert.ok(!ids.verify(id, '\x7f\0\0\x02'));
  assert.ok(!ids.verify(Buffer.alloc(8), '\x7f\0\0\x01'));
  assert.ok(!ids.verify(id.subarray(0, 7), '\x7f\0\0\x01'));
});

test('ids survive one rotation and die after two', () => {
  let now = 1_000_000;
  const ids = new ConnectionIds({ rotateMs: 120_000, now: () => now });
  const id = ids.issue('a');
  now += 120_000;
  assert.ok(ids.verify(id, 'a'));
  now += 120_000;
  assert.ok(!ids.verify(id, 'a'));
  const fresh = ids.issue('a');
  now += 10 * 120_000; // a long idle gap retires both secrets
  assert.ok(!ids.verify(fresh, 'a'));
});

test('two trackers (two secrets) give unrelated ids', () => {
  assert.notDeepEqual(new ConnectionIds().issue('x'), new ConnectionIds().issue('x'));
});
