import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseName, parentDir, pathFromDropText } from './path-drop.ts';

test('file URLs and plain paths', () => {
  assert.equal(pathFromDropText('file:///tmp/a%20b/c'), '/tmp/a b/c');
  assert.equal(pathFromDropText('# comment\r\nfile:///tmp/x\r\nfile:///tmp/y'), '/tmp/x');
  assert.equal(pathFromDropText('file://localhost/srv/d'), '/srv/d');
  assert.equal(pathFromDropText('file:///C:/Users/x'), 'C:/Users/x');
  assert.equal(pathFromDropText('  /home/me/data  '), '/home/me/data');
  assert.equal(pathFromDropText('C:\\data'), 'C:\\data');
});

test('anything else is not a path', () => {
  assert.equal(pathFromDropText(''), null);
  assert.equal(pathFromDropText('https://example.org/x'), null);
  assert.equal(pathFromDropText('file://otherhost/x'), null);
  assert.equal(pathFromDropText('relative/path'), null);
  assert.equal(pathFromDropText('magnet:?xt=urn:btih:abc'), null);
});

test('base name and parent', () => {
  assert.equal(baseName('/tmp/a/b/'), 'b');
  assert.equal(parentDir('/tmp/a/b'), '/tmp/a');
  assert.equal(parentDir('/b'), '/');
});
