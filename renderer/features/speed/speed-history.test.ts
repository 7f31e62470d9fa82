import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_TORRENTS, SECONDS, SpeedHistory } from './speed-history.ts';

test('keeps the last 5 minutes in order', () => {
  const h = new SpeedHistory();
  for (let t = 0; t < SECONDS + 50; t++) h.sample(t, { downRate: t, upRate: 2 * t }, []);
  const s = h.session();
  assert.equal(s.t.length, SECONDS);
  assert.equal(s.t[0], 50);
  assert.equal(s.t[SECONDS - 1], SECONDS + 49);
  assert.equal(s.up[SECONDS - 1], 2 * (SECONDS + 49));
});

test('per torrent: idle ones untracked until active or kept; removed ones dropped; bounded', () => {
  const h = new SpeedHistory();
  h.sample(1, null, [{ id: 'a', downRate: 0, upRate: 0 }, { id: 'b', downRate: 5, upRate: 0 }, { id: 'c', downRate: 0, upRate: 0 }], 'c');
  assert.equal(h.torrent('a'), null);
  assert.deepEqual(h.torrent('b')?.down, [5]);
  assert.deepEqual(h.torrent('c')?.down, [0]);
  h.sample(2, null, [{ id: 'c', downRate: 1, upRate: 1 }]);
  assert.equal(h.torrent('b'), null);
  const rows = Array.from({ length: MAX_TORRENTS + 30 }, (_v, i) => ({ id: `t${i}`, downRate: 1, upRate: 0 }));
  h.sample(3, null, rows);
  assert.ok(h.tracked <= MAX_TORRENTS);
});

test('full: tracked active torrents keep their history; a newcomer replaces only one idle before now', () => {
  const h = new SpeedHistory();
  const active = (n: number, from = 0): Array<{ id: string; downRate: number; upRate: number }> =>
    Array.from({ length: n }, (_v, i) => ({ id: `t${from + i}`, downRate: 1, upRate: 0 }));
  h.sample(1, null, active(MAX_TORRENTS));
  // Twice as many active: the first MAX_TORRENTS stay tracked with their whole history.
  h.sample(2, null, active(2 * MAX_TORRENTS));
  assert.equal(h.tracked, MAX_TORRENTS);
  assert.deepEqual(h.torrent('t0')?.t, [1, 2]);
  assert.equal(h.torrent(`t${MAX_TORRENTS}`), null);
  // t0 goes idle (last active at 2): the first newcomer takes its place, the others wait.
  const rows = active(2 * MAX_TORRENTS);
  rows[0] = { id: 't0', downRate: 0, upRate: 0 };
  h.sample(3, null, rows);
  h.sample(4, null, rows);
  assert.equal(h.tracked, MAX_TORRENTS);
  assert.equal(h.torrent('t0'), null);
  assert.deepEqual(h.torrent(`t${MAX_TORRENTS}`)?.t, [3, 4]);
  assert.equal(h.torrent(`t${MAX_TORRENTS + 1}`), null);
  // The one on screen is always tracked.
  h.sample(5, null, rows, `t${2 * MAX_TORRENTS - 1}`);
  assert.ok(h.torrent(`t${2 * MAX_TORRENTS - 1}`) !== null);
  assert.ok(h.tracked <= MAX_TORRENTS);
});
