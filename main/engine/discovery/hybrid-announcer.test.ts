import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TrackerClient } from './http-tracker.ts';
import type { AnnounceParams } from './tracker-codec.ts';
import { HybridAnnouncer, announcerFor } from './hybrid-announcer.ts';
import { Announcer } from './announcer.ts';

test('a hybrid announces under both hashes, merges both peer lists, and stops both', { timeout: 10_000 }, async () => {
  const v1 = randomBytes(20);
  const v2 = randomBytes(20);
  const seen: Array<{ hash: string; event: string | undefined }> = [];
  const client = (url: string): TrackerClient => ({
    url,
    announce: (p: AnnounceParams) => {
      const hash = Buffer.from(p.infoHash).toString('hex');
      seen.push({ hash, event: p.event });
      const ip = hash === v1.toString('hex') ? '10.0.0.1' : '10.0.0.2';
      return Promise.resolve({ interval: 1800, peers: [{ ip, port: 6881 }] });
    },
    scrape: () => Promise.resolve(new Map()),
    close: () => undefined,
  });
  const a = new HybridAnnouncer({ infoHash: v1, peerId: randomBytes(20), port: 6881, tiers: [['http://tracker.invalid/announce']] }, v2,
    () => ({ uploaded: 0, downloaded: 0, left: 1 }), { createClient: client, firstScrapeDelayMs: 3_600_000 });
  const peers = new Set<string>();
  a.on('peers', (list) => { for (const p of list) peers.add(p.ip); });
  a.start();
  const t0 = Date.now();
  while (peers.size < 2 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual([...peers].sort(), ['10.0.0.1', '10.0.0.2']);
  await a.stop();
  const hashes = new Set(seen.map((s) => s.hash));
  assert.ok(hashes.has(v1.toString('hex')) && hashes.has(v2.toString('hex')), 'announced under both hashes');
  for (const h of [v1, v2]) {
    const events = seen.filter((s) => s.hash === h.toString('hex')).map((s) => s.event);
    assert.equal(events[0], 'started');
    assert.equal(events[events.length - 1], 'stopped');
  }
});

test('announcerFor: a plain announcer for one hash, a hybrid one for two', () => {
  const init = { infoHash: randomBytes(20), peerId: randomBytes(20), port: 1, tiers: [] };
  const stats = (): { uploaded: number; downloaded: number; left: number } => ({ uploaded: 0, downloaded: 0, left: 0 });
  assert.equal(announcerFor([init.infoHash], init, stats).constructor, Announcer);
  assert.ok(announcerFor([init.infoHash, randomBytes(20)], init, stats) instanceof HybridAnnouncer);
});
