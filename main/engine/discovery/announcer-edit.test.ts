// The announcer's user edits (add/remove tracker) and its scrape schedule, against tiny HTTP
// trackers on port 0 that answer both /announce and /scrape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bencode } from '../bencode/encode.ts';
import { Announcer } from './announcer.ts';
import { isTesseraError } from '../errors.ts';

const infoHash = new Uint8Array(20).fill(7);
const peerId = new TextEncoder().encode('-TS0100-000000000000');

interface Fake { url: string; announces: string[]; scrapes: number; close(): Promise<void> }

async function fakeTracker(scrape: { complete: number; incomplete: number; downloaded: number }): Promise<Fake> {
  const f = { announces: [] as string[], scrapes: 0 };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url.startsWith('/scrape')) {
      f.scrapes++;
      res.end(bencode({ files: new Map([[String.fromCharCode(...infoHash), scrape]]) }));
      return;
    }
    const q = new URLSearchParams(url.split('?')[1] ?? '');
    f.announces.push(q.get('event') ?? 'none');
    // The announce reply's counts differ from the scrape's, so the test can tell which one it sees.
    res.end(bencode({ interval: 1800, complete: 0, incomplete: 0, peers: new Uint8Array(0) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/announce`,
    get announces() { return f.announces; },
    get scrapes() { return f.scrapes; },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function until(cond: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('announcer: scrapes after the first answered announce, then periodically', async () => {
  const tr = await fakeTracker({ complete: 5, incomplete: 2, downloaded: 9 });
  const a = new Announcer({ infoHash, peerId, port: 6881, tiers: [[tr.url]] }, () => ({ uploaded: 0, downloaded: 0, left: 1 }),
    { firstScrapeDelayMs: 10, scrapeIntervalMs: 100 });
  try {
    a.start();
    await until(() => a.trackers()[0]?.scrapedAt !== undefined, 'first scrape');
    const s = a.trackers()[0];
    assert.equal(s?.seeders, 5);
    assert.equal(s?.leechers, 2);
    assert.equal(s?.downloaded, 9);
    assert.deepEqual(tr.announces, ['started']);
    await until(() => tr.scrapes >= 3, 'periodic scrapes');
    await a.stop();
    const after = tr.scrapes;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(tr.scrapes, after, 'no scrape once stopped');
  } finally {
    a.close();
    await tr.close();
  }
});

test('announcer: add a tracker (announced when none answers), refuse a duplicate; remove sends stopped', async () => {
  const tr = await fakeTracker({ complete: 1, incomplete: 0, downloaded: 0 });
  // The only tracker is dead: the round fails, and the added one must be tried at once.
  const a = new Announcer({ infoHash, peerId, port: 6881, tiers: [['http://127.0.0.1:1/announce']] }, () => ({ uploaded: 0, downloaded: 0, left: 1 }),
    { firstScrapeDelayMs: 10, retryMs: 60_000 });
  try {
    a.start();
    await until(() => a.trackers()[0]?.status === 'error', 'dead tracker fails');
    a.addTracker(tr.url);
    assert.deepEqual(a.tiers(), [['http://127.0.0.1:1/announce'], [tr.url]]);
    assert.equal(a.trackers()[1]?.tier, 1);
    await until(() => tr.announces.includes('started'), 'new tracker announced');
    await until(() => a.trackers()[1]?.status === 'working', 'new tracker working');
    await until(() => a.trackers()[1]?.scrapedAt !== undefined, 'new tracker scraped');
    assert.throws(() => a.addTracker(tr.url), (e: unknown) => isTesseraError(e) && e.code === 'BAD_ARGUMENT');
    a.removeTracker('http://127.0.0.1:1/announce');
    assert.deepEqual(a.tiers(), [[tr.url]]);
    assert.equal(a.trackers()[0]?.tier, 0, 'tiers renumbered after an emptied tier goes');
    a.removeTracker(tr.url);
    await until(() => tr.announces.includes('stopped'), 'stopped sent to the removed tracker');
    assert.deepEqual(a.trackers(), []);
    assert.throws(() => a.removeTracker(tr.url), (e: unknown) => isTesseraError(e) && e.code === 'NOT_FOUND');
  } finally {
    await a.stop();
    a.close();
    await tr.close();
  }
});
