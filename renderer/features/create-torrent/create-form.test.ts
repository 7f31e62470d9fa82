import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { autoPieceLength as engineAuto } from '../../../main/engine/metainfo/create-torrent.ts';
import { autoPieceLength, buildRequest, EMPTY_FORM, parseTrackers, parseWebSeeds, pieceCountFor } from './create-form.ts';

test('trackers: one per line, blank line = new tier, junk reported', () => {
  const r = parseTrackers('http://a/announce\nudp://b:80\n\n\nhttps://c/announce\nnot a url\nhttp://a/announce\n');
  assert.deepEqual(r.tiers, [['http://a/announce', 'udp://b:80'], ['https://c/announce']]);
  assert.deepEqual(r.invalid, ['not a url']);
  assert.deepEqual(parseTrackers('  \n\n').tiers, []);
});

test('web seeds', () => {
  assert.deepEqual(parseWebSeeds('http://x/f\n\nftp://y\nhttps://z/'), { urls: ['http://x/f', 'https://z/'], invalid: ['ftp://y'] });
});

test('auto piece length mirrors the engine', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (n) => autoPieceLength(n) === engineAuto(n)));
  assert.equal(pieceCountFor(3 * 1024 * 1024, 0), 192);
  assert.equal(pieceCountFor(100, 32768), 1);
});

test('request: problems in plain words, optional fields only when given', () => {
  assert.equal(buildRequest(EMPTY_FORM).ok, false);
  const p = buildRequest({ ...EMPTY_FORM, path: '/d', private: true });
  assert.ok(!p.ok && /private/.test(p.problem));
  const r = buildRequest({ ...EMPTY_FORM, path: ' /d ', trackersText: 'http://t/a', comment: ' hi ', version: 'v1', seed: true });
  assert.ok(r.ok);
  assert.deepEqual(r.request, { path: '/d', version: 'v1', pieceLength: 0, trackers: [['http://t/a']], webSeeds: [], private: false, seed: true, comment: 'hi' });
});
