// The limits and figures a user watches: the global download and upload limits hold (a lower bound
// on the time taken, which load can only lengthen), the summary's progress rises as pieces verify
// (verified wanted bytes, never ahead of the have-bitfield), and rates fall to 0 once nothing flows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from './metainfo/create-torrent.ts';
import { makePayload, waitUntil } from '../test-support/engine-fixtures.ts';
import { Session } from './session.ts';

const SIZE = 1536 * 1024;
const PIECE = 65536;
const LIMIT = 512 * 1024;

async function run(limit: 'down' | 'up'): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `tessera-rates-${limit}-`));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, [{ path: 'a.bin', size: SIZE }]);
  const { bytes } = await createTorrent(src, { pieceLength: PIECE, creationDate: null });
  const open = (name: string): Promise<Session> => Session.open({ stateDir: join(dir, name), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  const seed = await open('s');
  const leech = await open('l');
  const timer: { t?: NodeJS.Timeout } = {};
  try {
    // Set through updateSettings, as the app does, after the sessions exist.
    if (limit === 'down') await leech.updateSettings({ maxDownloadRate: LIMIT });
    else await seed.updateSettings({ maxUploadRate: LIMIT });
    const s = await seed.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => seed.summaries()[0]?.status === 'seeding', 20_000, 'the seed check');
    const t0 = performance.now();
    await leech.addTorrent(bytes, { savePath: join(dir, 'dl'), peers: [{ host: '127.0.0.1', port: seed.port }] });
    const lt = leech.torrent(s.id);
    assert.ok(lt);
    const progress: number[] = [];
    timer.t = setInterval(() => {
      const sum = leech.summaries()[0];
      if (sum === undefined) return;
      // Progress is verified bytes: exactly the have-bitfield's pieces (one file, last piece full-size here).
      assert.equal(sum.doneBytes, lt.haveBitfield().count() * PIECE);
      progress.push(sum.progress);
    }, 100);
    await waitUntil(() => leech.summaries()[0]?.status === 'seeding', 30_000, 'the limited download');
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(timer.t);
    // The bucket's burst is an eighth of a second's worth, and the last read (at most a quarter
    // second's worth of requests) lands before its wait is served; allow 10 % for timer slack.
    const floor = ((SIZE - LIMIT / 8 - LIMIT / 4) / LIMIT) * 0.9;
    assert.ok(seconds >= floor, `${limit} limit ${LIMIT} B/s: ${SIZE} bytes took ${seconds.toFixed(2)} s, expected at least ${floor.toFixed(2)} s`);
    assert.ok(progress.some((p) => p > 0 && p < 1), `progress moved while downloading: ${progress.map((p) => p.toFixed(2)).join(' ')}`);
    for (let i = 1; i < progress.length; i++) assert.ok((progress[i] ?? 0) >= (progress[i - 1] ?? 0), 'progress never goes back');
    assert.equal(leech.summaries()[0]?.progress, 1);
    // Nothing flows after completion (the seed was dropped: both complete): both rates reach 0.
    await waitUntil(() => leech.summaries()[0]?.downRate === 0 && seed.summaries()[0]?.upRate === 0, 15_000, 'rates to fall to 0');
  } finally {
    clearInterval(timer.t);
    await leech.close();
    await seed.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('global download limit set through updateSettings holds; progress follows verified pieces; rates decay to 0', { timeout: 60_000 }, () => run('down'));
test('global upload limit holds', { timeout: 60_000 }, () => run('up'));
