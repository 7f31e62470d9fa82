// The announcer against tiny HTTP trackers on port 0: events, tiers, intervals, warnings, stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bencode } from '../bencode/encode.ts';
import { Announcer } from './announcer.ts';
import type { PeerAddress } from '../wire/compact.ts';

interface Seen { event: string; left: string; numwant: string }

async function tracker(reply: (q: URLSearchParams) => Record<string, number | string | Uint8Array>): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    // `seen` records announces only; the announcer's scrapes (after the first answer) get an empty reply.
    if ((req.url ?? '').startsWith('/scrape')) { res.end(bencode({ files: new Map() })); return; }
    const q = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    seen.push({ event: q.get('event') ?? 'none', left: q.get('left') ?? '', numwant: q.get('numwant') ?? '' });
    res.end(bencode(reply(q)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/announce`, seen, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** Poll until cond() holds; bounded. */
async function until(cond: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const infoHash = new Uint8Array(20).fill(1);
const peerId = new TextEncoder().encode('-TS0100-000000000000');

test('announcer: started, regular at interval, completed once, stopped; BEP 12 tiers', async () => {
  const good = await tracker(() => ({ interval: 1, 'min interval': 1, complete: 3, incomplete: 4, peers: Uint8Array.of(127, 0, 0, 1, 0, 99) }));
  const backup = await tracker(() => ({ interval: 1, peers: new Uint8Array(0) }));
  let left = 1000;
  const a = new Announcer({ infoHash, peerId, port: 6881, tiers: [['http://127.0.0.1:1/announce', good.url], [backup.url]] }, () => ({ uploaded: 0, downloaded: 1000 - left, left }),
    { minIntervalFloorMs: 50 });
  const peers: PeerAddress[][] = [];
  const warnings: string[] = [];
  a.on('peers', (p) => peers.push(p));
  a.on('warning', (w) => warnings.push(w));
  try {
    a.start();
    await until(() => good.seen.length >= 1, 'started');
    assert.equal(good.seen[0]?.event, 'started');
    await until(() => peers.length >= 1, 'peers event');
    assert.deepEqual(peers[0], [{ ip: '127.0.0.1', port: 99 }]);
    const summaries = a.trackers();
    const g = summaries.find((s) => s.url === good.url);
    assert.equal(g?.status, 'working');
    assert.equal(g?.seeders, 3);
    assert.equal(g?.leechers, 4);
    assert.equal(g?.peersReceived, 1);
    assert.ok((g?.nextAnnounce ?? 0) > Date.now() - 100);
    assert.equal(summaries.find((s) => s.url === backup.url)?.tier, 1);
    // Regular announce after `interval` (1 s), no event.
    await until(() => good.seen.length >= 2, 'regular announce');
    assert.equal(good.seen[1]?.event, 'none');
    // The working tracker is now first in its tier: the dead one is not retried while it works.
    left = 0;
    a.completed();
    a.completed();
    await until(() => good.seen.some((s) => s.event === 'completed'), 'completed');
    const c = good.seen.find((s) => s.event === 'completed');
    assert.equal(c?.left, '0');
    await a.stop();
    assert.equal(good.seen.at(-1)?.event, 'stopped');
    assert.equal(good.seen.at(-1)?.numwant, '0');
    assert.equal(good.seen.filter((s) => s.event === 'completed').length, 1, 'completed exactly once');
    assert.equal(backup.seen.length, 0, 'tier 1 untouched while tier 0 works');
    const dead = a.trackers().find((s) => s.url.includes(':1/'));
    if (dead?.status === 'error') assert.ok((dead.lastError ?? '').length > 0);
  } finally {
    a.close();
    await good.close();
    await backup.close();
  }
});

test('announcer: failure moves on to the next tier, warnings surface, retry after all fail', async () => {
  const failing = await tracker(() => ({ 'failure reason': 'torrent not registered' }));
  const warn = await tracker(() => ({ interval: 1800, 'warning message': 'ratio low', peers: new Uint8Array(0) }));
  const a = new Announcer({ infoHash, peerId, port: 1, tiers: [[failing.url], [warn.url]] }, () => ({ uploaded: 0, downloaded: 0, left: 1 }), { minIntervalFloorMs: 50 });
  const warnings: string[] = [];
  a.on('warning', (w) => warnings.push(w));
  try {
    a.start();
    await until(() => warn.seen.length >= 1, 'second tier announce');
    await until(() => a.trackers().find((s) => s.url === warn.url)?.status === 'working', 'working');
    const [f, w] = [a.trackers().find((s) => s.url === failing.url), a.trackers().find((s) => s.url === warn.url)];
    assert.equal(f?.status, 'error');
    assert.equal(f?.lastError, 'torrent not registered');
    assert.equal(w?.lastWarning, 'ratio low');
    assert.ok(warnings.some((x) => x.includes('torrent not registered')));
    assert.ok(warnings.some((x) => x.includes('ratio low')));
    await a.stop();
    assert.equal(warn.seen.at(-1)?.event, 'stopped');
    assert.equal(failing.seen.filter((s) => s.event === 'stopped').length, 0, 'no stopped to a tracker that never had us');
  } finally {
    a.close();
    await failing.close();
    await warn.close();
  }

  const broken = await tracker(() => ({ 'failure reason': 'down' }));
  const b = new Announcer({ infoHash, peerId, port: 1, tiers: [[broken.url]] }, () => ({ uploaded: 0, downloaded: 0, left: 1 }), { retryMs: 100, minIntervalFloorMs: 10 });
  try {
    b.start();
    await until(() => broken.seen.length >= 3, 'retries with back-off');
    assert.ok(broken.seen.every((s) => s.event === 'started'), 'started is repeated until a tracker takes it');
    await b.stop();
  } finally {
    b.close();
    await broken.close();
  }
});

test('announcer: unsupported schemes are reported, stop then start again', async () => {
  const t = await tracker(() => ({ interval: 1800, peers: new Uint8Array(0) }));
  const a = new Announcer({ infoHash, peerId, port: 1, tiers: [['wss://x/announce', 'not a url'], [t.url]] }, () => ({ uploaded: 0, downloaded: 0, left: 1 }));
  try {
    const s = a.trackers();
    assert.equal(s.find((x) => x.url === 'wss://x/announce')?.lastError, 'unsupported tracker protocol');
    assert.equal(s.find((x) => x.url === 'not a url')?.status, 'error');
    a.start();
    await until(() => t.seen.length === 1, 'first start');
    // Wait until the announcer has read the answer, not just until the tracker saw the request:
    // a stop() while the announce is still in flight aborts it, and no `stopped` is owed then.
    await until(() => a.trackers().find((x) => x.url === t.url)?.status === 'working', 'first answer');
    const stopping = a.stop();
    a.start();
    await stopping;
    await until(() => t.seen.length === 3, 'restart');
    assert.deepEqual(t.seen.map((x) => x.event), ['started', 'stopped', 'started']);
    await a.stop();
    assert.equal(t.seen.at(-1)?.event, 'stopped');
  } finally {
    a.close();
    await t.close();
  }
});
