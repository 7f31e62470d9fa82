import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLaunchArgs } from './launch-args.ts';

test('launch arguments: .torrent paths (made absolute) and magnet links; flags and the app path skipped', () => {
  const r = parseLaunchArgs(['/opt/Tessera/tessera', '--no-sandbox', 'a.torrent', '/abs/B.TORRENT', 'magnet:?xt=urn:btih:' + 'a'.repeat(40), 'notes.txt', '--inspect=1'], '/home/u', 1);
  assert.deepEqual(r, { torrentFiles: ['/home/u/a.torrent', '/abs/B.TORRENT'], magnets: ['magnet:?xt=urn:btih:' + 'a'.repeat(40)] });
  assert.deepEqual(parseLaunchArgs(['electron', '.', 'x.torrent'], '/w', 2).torrentFiles, ['/w/x.torrent']);
  assert.deepEqual(parseLaunchArgs(['e', 'magnet:?' + 'x'.repeat(70_000)], '/', 1).magnets, []);
});
