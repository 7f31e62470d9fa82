// Session.addTracker / removeTracker: the torrent's Announcer changes at once, the edit is saved
// with the torrent list and restored after a restart; unknown ids and duplicates are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from './metainfo/create-torrent.ts';
import { makePayload } from '../test-support/engine-fixtures.ts';
import { isTesseraError } from './errors.ts';
import { Session } from './session.ts';

test('session: add and remove trackers, kept across a restart', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-trackers-'));
  const src = join(dir, 'data', 'payload');
  await makePayload(src, [{ path: 'a.bin', size: 40_000 }]);
  const original = 'http://127.0.0.1:1/announce';
  const { bytes } = await createTorrent(src, { pieceLength: 16384, creationDate: null, announce: [[original]] });
  const open = (): Promise<Session> => Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  let s = await open();
  try {
    // Paused: nothing is announced, only the list is edited.
    const { id } = await s.addTorrent(bytes, { savePath: join(dir, 'data'), paused: true });
    const urls = (): Array<[number, string]> => (s.detail(id)?.trackers ?? []).map((t) => [t.tier, t.url]);
    await s.addTracker(id, 'udp://127.0.0.1:2/announce', 0);
    await s.addTracker(id, 'http://127.0.0.1:3/announce');
    assert.deepEqual(urls(), [[0, original], [0, 'udp://127.0.0.1:2/announce'], [1, 'http://127.0.0.1:3/announce']]);
    await assert.rejects(s.addTracker(id, original), (e: unknown) => isTesseraError(e) && e.code === 'BAD_ARGUMENT');
    await assert.rejects(s.addTracker('ab'.repeat(20), original), (e: unknown) => isTesseraError(e) && e.code === 'NOT_FOUND');
    await s.removeTracker(id, original);
    await assert.rejects(s.removeTracker(id, original), (e: unknown) => isTesseraError(e) && e.code === 'NOT_FOUND');
    assert.deepEqual(urls(), [[0, 'udp://127.0.0.1:2/announce'], [1, 'http://127.0.0.1:3/announce']]);

    await s.close();
    s = await open();
    assert.deepEqual(urls(), [[0, 'udp://127.0.0.1:2/announce'], [1, 'http://127.0.0.1:3/announce']], 'the edited list is restored');
  } finally {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  }
});
