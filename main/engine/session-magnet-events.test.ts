// A magnet that becomes a torrent stays the same row: one 'torrent:added' (the magnet), then
// 'torrent:metadata' when the info dict arrives, and the time it was added is kept (issue 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TorrentSummary } from '../../shared/snapshot.ts';
import { createTorrent } from './metainfo/create-torrent.ts';
import { makePayload, waitUntil } from '../test-support/engine-fixtures.ts';
import { Session } from './session.ts';

test('metadata arrival: no second torrent:added, addedAt kept, torrent:metadata emitted', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-magnet-ev-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, [{ path: 'a.bin', size: 200_000 }]);
  const { bytes } = await createTorrent(src, { pieceLength: 16384 });
  const open = (name: string): Promise<Session> => Session.open({
    stateDir: join(dir, name), listenHost: '127.0.0.1', settings: { listenPort: 0, downloadDir: join(dir, `dl-${name}`), utp: false },
  });
  const seed = await open('seed');
  const leech = await open('leech');
  try {
    const s = await seed.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => seed.summaries()[0]?.status === 'seeding', 20_000, 'the seed check');
    const added: TorrentSummary[] = [];
    const metadata: TorrentSummary[] = [];
    leech.on('torrent:added', (x) => added.push(x));
    leech.on('torrent:metadata', (x) => metadata.push(x));
    const m = await leech.addMagnet(`magnet:?xt=urn:btih:${s.id}&x.pe=127.0.0.1:${seed.port}`);
    await waitUntil(() => metadata.length > 0, 30_000, 'the metadata');
    assert.deepEqual(added.map((x) => x.id), [s.id], 'one torrent:added, for the magnet');
    assert.equal(metadata[0]?.id, s.id);
    assert.equal(metadata[0]?.addedAt, m.addedAt, 'addedAt is the magnet\'s');
    await waitUntil(() => leech.summaries()[0]?.status === 'seeding', 30_000, 'the download');
    assert.equal(leech.summaries()[0]?.addedAt, m.addedAt);
    assert.equal(leech.summaries().length, 1);
  } finally {
    await leech.close();
    await seed.close();
    await rm(dir, { recursive: true, force: true });
  }
});
