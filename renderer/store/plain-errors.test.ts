import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainError, plainForCode } from './plain-errors.ts';
import { extractMagnets } from '../lib/drop-text.ts';
import { bytesToBase64 } from '../lib/base64.ts';

test('engine messages become plain words with the original kept as detail', () => {
  assert.deepEqual(plainError('ENOSPC: no space left on device'), {
    message: 'The disk is full. Free some space, then resume the torrent.', detail: 'ENOSPC: no space left on device',
  });
  assert.match(plainError('tracker http://t/announce: ETIMEDOUT').message, /did not answer in time/);
  assert.match(plainError('bencode: unexpected end of input').message, /not a valid \.torrent/);
  assert.deepEqual(plainError('something odd'), { message: 'Something odd.' });
  assert.equal(plainError('   ').message, plainForCode('INTERNAL'));
  assert.equal(plainForCode('METAINFO_INVALID'), 'That file is not a valid .torrent file.');
});

test('magnet links are found in dropped or pasted text, deduplicated and bounded', () => {
  const h = '0123456789abcdef0123456789abcdef01234567';
  const text = `see magnet:?xt=urn:btih:${h}&dn=x, and\nmagnet:?xt=urn:btih:${h}&dn=x\nmagnet:?dn=no-hash http://x`;
  assert.deepEqual(extractMagnets(text), [`magnet:?xt=urn:btih:${h}&dn=x`]);
  assert.deepEqual(extractMagnets(`magnet:?xt=urn:btih:${h}&tr=${'a'.repeat(9000)}`), []);
  assert.deepEqual(extractMagnets('nothing here'), []);
});

test('bytesToBase64 matches Node for sizes across the chunk boundary', () => {
  for (const n of [0, 1, 2, 3, 0x8000, 0x8001, 100_000]) {
    const b = new Uint8Array(n).map((_, i) => (i * 31) & 0xff);
    assert.equal(bytesToBase64(b), Buffer.from(b).toString('base64'));
  }
});
