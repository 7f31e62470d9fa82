import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SwarmStore, DEFAULT_SWARM_LIMITS, type AnnounceOutcome, type StoreRefusal } from './swarm-store.ts';
import { compactPeer } from './protocol/address.ts';
import type { AnnounceRequest } from './protocol/types.ts';

const H = 'h'.repeat(20);
const V4 = (last: number) => ({ family: 4 as const, bytes: `\x0a\0\0${String.fromCharCode(last)}` });
const V6 = (last: number) => ({ family: 6 as const, bytes: `${'\0'.repeat(15)}${String.fromCharCode(last)}` });

function req(over: Partial<AnnounceRequest> = {}): AnnounceRequest {
  return { infoHash: H, peerId: 'p'.repeat(20), port: 6881, uploaded: 0, downloaded: 0, left: 10, event: 'none', numwant: undefined, compact: true, noPeerId: false, ...over };
}

function ok(o: AnnounceOutcome | StoreRefusal): AnnounceOutcome {
  assert.ok(!('refused' in o), 'refused' in o ? o.refused : '');
  return o as AnnounceOutcome;
}

function ann(store: SwarmStore, last: number, over: Partial<AnnounceRequest> = {}, now = 0, numwant = 50, v6 = false): AnnounceOutcome {
  const from = v6 ? V6(last) : V4(last);
  const r = req(over);
  return ok(store.announce(r, from, compactPeer(from.bytes, r.port), { numwant, families: 'both', now, withIds: true }));
}

/** The compact addresses of one family in an outcome, as latin1 strings; ids (when asked for) line up. */
function split(o: AnnounceOutcome, family: 4 | 6): string[] {
  const bytes = family === 4 ? o.compact4 : o.compact6;
  const size = family === 4 ? 6 : 18;
  assert.equal(bytes.length % size, 0);
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(Buffer.from(bytes.subarray(i, i + size)).toString('latin1'));
  const ids = family === 4 ? o.ids4 : o.ids6;
  if (ids !== undefined) assert.equal(ids.length, out.length);
  return out;
}

test('the requester is never in its own list; counts are right', () => {
  const st = new SwarmStore(DEFAULT_SWARM_LIMITS, 60_000);
  for (let i = 1; i <= 5; i++) ann(st, i);
  for (let i = 6; i <= 8; i++) ann(st, i, { left: 0 });
  for (let i = 1; i <= 8; i++) {
    const o = ann(st, i, { left: i > 5 ? 0 : 10 });
    const me = compactPeer(V4(i).bytes, 6881);
    assert.ok(!split(o, 4).includes(me), `peer ${i} got itself`);
    assert.equal(o.complete, 3);
    assert.equal(o.incomplete, 5);
  }
  assert.equal(st.peerCount, 8);
});

test('seeders get only leechers; leechers get everyone else', () => {
  const st = new SwarmStore(DEFAULT_SWARM_LIMITS, 60_000);
  for (let i = 1; i <= 4; i++) ann(st, i, { left: 0 });
  for (let i = 5; i <= 7; i++) ann(st, i);
  const seed = ann(st, 1, { left: 0 });
  assert.deepEqual(new Set(split(seed, 4)), new Set([5, 6, 7].map((i) => compactPeer(V4(i).bytes, 6881))));
  const leech = ann(st, 5);
  assert.equal(split(leech, 4).length, 6);
});

test('numwant is honoured with a random subset; peer ids follow the peers', () => {
  const st = new SwarmStore(DEFAULT_SWARM_LIMITS, 60_000);
  for (let i = 1; i <= 100; i++) ann(st, i, { peerId: `id${String(i).padStart(18, '0')}` });
  const o = ann(st, 1, { peerId: `id${'1'.padStart(18, '0')}` }, 0, 10);
  const peers = split(o, 4);
  assert.equal(peers.length, 10);
  assert.equal(new Set(peers).size, 10);
  peers.forEach((addr, i) => assert.equal(o.ids4?.[i], `id${String(addr.charCodeAt(3)).padStart(18, '0')}`));
});

test('a peer is found by (ip, port): re-announce updates, a new port is a new peer', () => {
  const st = new SwarmStore(DEFAULT_SWARM_LIMITS, 60_000);
  ann(st, 1);
  ann(st, 1);
  assert.equal(st.peerCount, 1);
  ann(st, 1, { port: 7000 });
  assert.equal(st.peerCount, 2);
  const o = ann(st, 1, { left: 0 }); // becomes a seeder
  assert.equal(o.complete, 1);
  assert.equal(o.incomplete, 1);
});

test('completed counts downloads once per peer; stopped removes; empty swarms vanish', () => {
  const st = new SwarmStore(DEFAULT_SWARM_LIMITS, 60_000);
  ann(st, 1, { event: 'started' });
  ann(st, 1, { event: 'completed', left: 0 });
  ann(st, 1, { event: 'completed', left: 0 });
  ann(st, 2, { event: 'completed', left: 0 });
  assert.deepEqual(st.scrape(H), { complete: 2, incomplete: 0, downloaded: 2 });
  ann(st, 1, { event: 'stopped' });
  assert.equal(st.scrape(H).complete, 1);
  // A leecher that turns seeder without the event, or stops with left=0, has downloaded too.
  ann(st, 4, { event: 'started' });
  ann(st, 4, { left: 0 });
  ann(st, 4, { left: 0 });
  ann(st, 5, { event: 'started' });
  ann(st, 5, { event: 'stopped', left: 0 });
  ann(st, 6, { event: 'started' });
  ann(st, 6, { event: 'stopped', left: 7 });
  assert.deepEqual(st.scrape(H), { complete: 2, incomplete: 0, downloaded: 4 });
  ann(st, 4, { event: 'stopped' });
  ann(st, 2, { event: 'stopped' });
  assert.equal(st.swarmCount, 0);
  // A stopped announce for an unknown torrent creates nothing.
  ann(st, 3, { event: 'stopped', infoHash: 'z'.repeat(20) });
  assert.equal(st.swarmCount, 0);
});

test('peers expire after the TTL', () => {
  const st = new SwarmStore(DEFAULT_SWARM_LIMITS, 1000);
  ann(st, 1, {}, 0);
  ann(st, 2, {}, 500);
  assert.equal(st.sweep(999), 0);
  assert.equal(st.sweep(1000), 1);
  assert.equal(st.peerCount, 1);
  assert.equal(st.sweep(1500), 1);
  assert.equal(st.swarmCount, 0);
});

test('IPv6 peers: own family first, then the other family for HTTP; UDP gets its own family only', () => {
  const st = new SwarmStore(DEFAULT_SWARM_LIMITS, 60_000);
  ann(st, 1);
  ann(st, 2, {}, 0, 50, true);
  const o = ann(st, 3, {}, 0, 50, true);
  assert.equal(split(o, 6).length, 1);
  assert.equal(split(o, 4).length, 1);
  const from = V6(4);
  const udp = ok(st.announce(req(), from, compactPeer(from.bytes, 6881), { numwant: 50, families: 'own', now: 0 }));
  assert.equal(udp.compact4.length, 0);
  assert.equal(udp.ids4, undefined, 'ids only when asked for');
  assert.equal(split(udp, 6).length, 2);
  assert.equal(udp.incomplete, 4);
});

test('bounded: swarms in total, peers per swarm, peers in total', () => {
  const st = new SwarmStore({ maxSwarms: 2, maxPeers: 5, maxPeersPerSwarm: 3 }, 60_000);
  ann(st, 1, { infoHash: 'a'.repeat(20) });
  ann(st, 1, { infoHash: 'b'.repeat(20) });
  const from = V4(1);
  const r = st.announce(req({ infoHash: 'c'.repeat(20) }), from, compactPeer(from.bytes, 1), { numwant: 5, families: 'both', now: 0 });
  assert.ok('refused' in r);
  for (let i = 2; i <= 3; i++) ann(st, i, { infoHash: 'a'.repeat(20) });
  const full = ann(st, 9, { infoHash: 'a'.repeat(20) });
  assert.match(full.warning ?? '', /full/);
  assert.equal(split(full, 4).length, 3);
  assert.equal(st.peerCount, 4);
  ann(st, 2, { infoHash: 'b'.repeat(20) });
  const total = ann(st, 3, { infoHash: 'b'.repeat(20) });
  assert.match(total.warning ?? '', /full/);
  assert.equal(st.peerCount, 5);
});

test('many peers: removal by swap keeps every lookup consistent', () => {
  const st = new SwarmStore(DEFAULT_SWARM_LIMITS, 60_000);
  for (let p = 1; p <= 300; p++) ann(st, 1, { port: p, left: p % 3 === 0 ? 0 : 5 });
  for (let p = 1; p <= 300; p += 2) ann(st, 1, { port: p, event: 'stopped' });
  for (let p = 2; p <= 300; p += 4) ann(st, 1, { port: p, left: 0 });
  const o = ann(st, 1, { port: 2, left: 0 }, 0, 500);
  const c = st.scrape(H);
  assert.equal(c.complete + c.incomplete, 150);
  assert.equal(split(o, 4).length, c.incomplete);
  const all = ann(st, 1, { port: 4 }, 0, 500);
  assert.equal(split(all, 4).length, 149);
});

test('property: the pre-encoded address pools always hold exactly the live peers (joins, leaves, seeding, expiry, shrinking)', () => {
  fc.assert(fc.property(
    fc.array(fc.record({ op: fc.constantFrom('join', 'join', 'join', 'seed', 'stop', 'tick'), port: fc.integer({ min: 1, max: 400 }), v6: fc.boolean() }), { maxLength: 600 }),
    (ops) => {
      const st = new SwarmStore(DEFAULT_SWARM_LIMITS, 1000);
      const live = new Map<string, { seeder: boolean; expires: number }>(); // key: family + compact address
      let now = 0;
      for (const o of ops) {
        const from = o.v6 ? V6(1) : V4(1);
        const key = `${o.v6 ? 6 : 4}${compactPeer(from.bytes, o.port)}`;
        if (o.op === 'tick') {
          now += 400;
          st.sweep(now);
          for (const [k, v] of live) if (v.expires <= now) live.delete(k);
          continue;
        }
        const over: Partial<AnnounceRequest> = { port: o.port, left: o.op === 'seed' ? 0 : 10, ...(o.op === 'stop' ? { event: 'stopped' as const } : {}) };
        ok(st.announce(req(over), from, compactPeer(from.bytes, o.port), { numwant: 0, families: 'own', now }));
        if (o.op === 'stop') live.delete(key); else live.set(key, { seeder: o.op === 'seed', expires: now + 1000 });
      }
      assert.equal(st.peerCount, live.size);
      // An observer on another port that is a leecher sees everyone (up to numwant), both families.
      const seen = new Set<string>();
      for (const v6 of [false, true]) {
        const from = v6 ? V6(2) : V4(2);
        const r = ok(st.announce(req({ port: 9, event: 'stopped' }), from, compactPeer(from.bytes, 9), { numwant: 0, families: 'own', now }));
        assert.equal(r.compact4.length + r.compact6.length, 0);
        const o = ok(st.announce(req({ port: 9 }), from, compactPeer(from.bytes, 9), { numwant: 1000, families: 'own', now, withIds: true }));
        for (const a of split(o, v6 ? 6 : 4)) seen.add(`${v6 ? 6 : 4}${a}`);
        st.announce(req({ port: 9, event: 'stopped' }), from, compactPeer(from.bytes, 9), { numwant: 0, families: 'own', now });
      }
      assert.deepEqual([...seen].sort(), [...live.keys()].sort());
    },
  ), { numRuns: 200 });
});
