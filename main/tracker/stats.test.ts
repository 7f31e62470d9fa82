import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrackerStats } from './stats.ts';
import { parseAllowlist } from './allowlist.ts';

test('rates over the window; JSON and Prometheus output', () => {
  const s = new TrackerStats(0, 10);
  for (let t = 1; t <= 20; t++) {
    s.counts.announces += 100;
    s.counts.errors += 1;
    s.tick(t * 1000);
  }
  const r = s.rates(20_000);
  assert.equal(r.announces, 100);
  assert.equal(r.errors, 1);
  const j = s.json({ torrents: 2, peers: 10, seeders: 3 }, 20_000);
  assert.equal(j.leechers, 7);
  assert.equal(j.announces, 2000);
  assert.equal(j.announcesPerSecond, 100);
  const p = s.prometheus({ torrents: 2, peers: 10, seeders: 3 }, 20_000);
  assert.match(p, /^# TYPE tessera_tracker_torrents gauge$/m);
  assert.match(p, /^tessera_tracker_announces_total 2000$/m);
  assert.match(p, /^tessera_tracker_announces_per_second 100$/m);
  for (const line of p.trim().split('\n')) assert.match(line, /^(# (HELP|TYPE) \w+ .+|\w+ -?[\d.]+)$/);
});

test('allowlist: hex lines, comments, bad lines reported', () => {
  const { hashes, badLines } = parseAllowlist(`# list\n${'ab'.repeat(20)}\n\n  ${'CD'.repeat(20)}  # upper\nnot-a-hash\n`);
  assert.equal(hashes.size, 2);
  assert.ok(hashes.has(Buffer.from('ab'.repeat(20), 'hex').toString('latin1')));
  assert.ok(hashes.has(Buffer.from('cd'.repeat(20), 'hex').toString('latin1')));
  assert.deepEqual(badLines, [5]);
});
