import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInfo, type InfoJson } from './info.ts';

/** An InfoJson of a torrent holding `files` (the other fields do not matter to the tree). */
function torrentInfo(name: string, files: InfoJson['files']): InfoJson {
  return {
    schema: 'tessera.info/1', source: 'torrent', name, version: 'v1', infoHashV1: '00'.repeat(20), infoHashV2: null,
    pieceLength: 16384, pieceCount: 1, totalSize: files.reduce((n, f) => n + f.size, 0), private: false, source_tag: null, comment: null,
    creationDate: null, creationDateUnix: null, createdBy: null, trackers: [], webSeeds: [], files, magnet: 'magnet:?xt=urn:btih:' + '00'.repeat(20),
  };
}

test('formatInfo: a torrent of 300,000 files prints its whole tree (no argument-list overflow)', () => {
  const files = Array.from({ length: 300_000 }, (_, i) => ({ path: `d${i % 100}/f${i}`, size: i }));
  const j = torrentInfo('big', files);
  const lines = formatInfo(j).trimEnd().split('\n');
  assert.ok(lines.includes('Files (300000):'));
  assert.equal(lines.filter((l) => /f\d+ {2}\(/.test(l)).length, 300_000, 'one line per file');
  assert.equal(lines.filter((l) => /d\d+\/ {2}\(/.test(l)).length, 100, 'one line per folder');
  assert.match(lines.at(-1)!, /^Magnet: /);
});

test('formatInfo: a path of 50,000 components (a hostile torrent) is listed whole, beside a normal tree', () => {
  const deepPath = Array.from({ length: 50_000 }, () => 'abcdefghijklmnopqrst').join('/');
  const files = [{ path: 'a/b.txt', size: 3 }, { path: deepPath, size: 5 }, { path: 'c.txt', size: 7 }];
  const j = torrentInfo('deep', files);
  const lines = formatInfo(j).trimEnd().split('\n');
  const at = lines.indexOf('Files (3):');
  assert.deepEqual(lines.slice(at + 1, at + 4), ['  ├─ a/  (3 B)', '  │  └─ b.txt  (3 B)', '  └─ c.txt  (7 B)']);
  assert.equal(lines[at + 4], `  ${deepPath}  (5 B)`);
});

test('formatInfo: folders gather their files in the torrent\'s order, sizes add up, and a name used as file and folder shows as both', () => {
  const files = [
    { path: 'x/a.txt', size: 1 }, { path: 'y/b.txt', size: 2 }, { path: 'x/c/d.txt', size: 4 },
    { path: 'x/c', size: 8 }, { path: 'top.txt', size: 16 },
  ];
  const j = torrentInfo('t', files);
  const lines = formatInfo(j).trimEnd().split('\n');
  const at = lines.indexOf('Files (5):');
  assert.deepEqual(lines.slice(at + 1, at + 9), [
    '  ├─ x/  (13 B)',
    '  │  ├─ a.txt  (1 B)',
    '  │  ├─ c/  (4 B)',
    '  │  │  └─ d.txt  (4 B)',
    '  │  └─ c  (8 B)',
    '  ├─ y/  (2 B)',
    '  │  └─ b.txt  (2 B)',
    '  └─ top.txt  (16 B)',
  ]);
});
