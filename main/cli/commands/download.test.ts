import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFileSpec, parsePeer, parseRate } from './download.ts';

test('--files, --peer and rate parsing', () => {
  assert.deepEqual([...parseFileSpec('0,2-4', 5)], [0, 2, 3, 4]);
  assert.throws(() => parseFileSpec('0,5', 5));
  assert.throws(() => parseFileSpec('3-1', 5));
  assert.throws(() => parseFileSpec('a', 5));
  assert.deepEqual(parsePeer('127.0.0.1:6881'), { host: '127.0.0.1', port: 6881 });
  assert.deepEqual(parsePeer('[::1]:51413'), { host: '::1', port: 51413 });
  assert.throws(() => parsePeer('host:0'));
  assert.throws(() => parsePeer('nohost'));
  assert.equal(parseRate('500k'), 500 * 1024);
  assert.equal(parseRate('2M'), 2 * 1024 * 1024);
  assert.equal(parseRate('1.5MiB/s'), 1.5 * 1024 * 1024);
  assert.equal(parseRate('1000'), 1000);
  assert.throws(() => parseRate('fast'));
});
