import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerNames } from './peer-names.ts';
import type { PeerSummary, TorrentDetail } from '../../shared/snapshot.ts';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function peer(ip: string): PeerSummary {
  return {
    id: `${ip}:1`, ip, port: 1, client: 'x', source: 'tracker', progress: 0, downRate: 0, upRate: 0, downloaded: 0, uploaded: 0,
    flags: { amChoking: true, amInterested: false, peerChoking: true, peerInterested: false, incoming: false, snubbed: false },
  };
}
function detail(ips: string[]): TorrentDetail {
  return { id: 'a', have: new Uint8Array(0), downloading: new Uint8Array(0), availability: new Uint16Array(0), seedCount: 0, peers: ips.map(peer), trackers: [] };
}

test('peer names: a miss starts one background lookup; the name shows on a later snapshot', async () => {
  const asked: string[] = [];
  const names = new PeerNames({ resolve: async (ip) => { asked.push(ip); return ip === '10.0.0.1' ? 'host.example' : ''; } });
  const d = detail(['10.0.0.1', '10.0.0.2']);
  assert.equal(names.annotate(d), d, 'nothing known yet: the same object comes back');
  names.annotate(d);
  await tick();
  const out = names.annotate(d);
  assert.equal(out.peers[0]?.hostname, 'host.example');
  assert.equal(out.peers[1]?.hostname, undefined, 'no name: none shown');
  assert.deepEqual(asked.sort(), ['10.0.0.1', '10.0.0.2'], 'each address asked once, negative answers cached');
});

test('peer names: lookups in flight and the cache are bounded; failures and timeouts cache no name', async () => {
  const pending: Array<() => void> = [];
  const names = new PeerNames({
    maxInFlight: 2, maxEntries: 3, timeoutMs: 20,
    resolve: (ip) => (ip === 'slow' ? new Promise<string>(() => undefined) : ip === 'bad' ? Promise.reject(new Error('x')) : new Promise((r) => pending.push(() => r(`n-${ip}`)))),
  });
  for (const ip of ['a', 'b', 'c', 'd']) names.name(ip);
  assert.equal(pending.length, 2, 'only maxInFlight lookups start');
  for (const f of pending.splice(0)) f();
  await tick();
  assert.equal(names.name('a'), 'n-a');
  for (const ip of ['c', 'd', 'e']) names.name(ip);
  for (const f of pending.splice(0)) f();
  await tick();
  assert.equal(names.name('d'), 'n-d');
  assert.equal(names.name('a'), undefined, 'evicted beyond maxEntries (a lookup starts again)');
  for (const f of pending.splice(0)) f();
  await tick();
  names.name('bad');
  names.name('slow');
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(names.name('bad'), '');
  assert.equal(names.name('slow'), '');
});

test('peer names: the real resolver names loopback from /etc/hosts without the network', async () => {
  const names = new PeerNames();
  names.name('127.0.0.1');
  for (let i = 0; i < 200 && names.name('127.0.0.1') === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(names.name('127.0.0.1'), 'localhost');
});
