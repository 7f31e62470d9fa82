import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Choker, type ChokerPeer } from './choker.ts';

function peer(key: number, over: Partial<ChokerPeer> = {}): ChokerPeer {
  return { key, interested: true, downRate: 0, upRate: 0, isSeed: false, snubbed: false, connectedAt: -1e9, ...over };
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test('leeching: the three fastest senders plus one optimistic', () => {
  const c = clock();
  const ch = new Choker({ slots: 4, clock: c.now, random: () => 0 });
  const peers = [1, 2, 3, 4, 5, 6].map((k) => peer(k, { downRate: k * 1000, upRate: (10 - k) * 1000 }));
  const u = ch.run(peers, 'leeching');
  assert.equal(u.size, 4);
  for (const k of [6, 5, 4]) assert.ok(u.has(k));
  assert.ok(ch.optimistic !== undefined && [1, 2, 3].includes(ch.optimistic));
  assert.ok(u.has(ch.optimistic));
});

test('seeding: ranked by upload rate instead', () => {
  const ch = new Choker({ slots: 3, clock: () => 0, random: () => 0.99 });
  const peers = [1, 2, 3, 4, 5].map((k) => peer(k, { downRate: k * 1000, upRate: (10 - k) * 1000 }));
  const u = ch.run(peers, 'seeding');
  assert.ok(u.has(1) && u.has(2));
  assert.equal(u.size, 3);
});

test('never unchokes uninterested peers or seeds; fills slots when few peers want data', () => {
  const ch = new Choker({ slots: 4, clock: () => 0 });
  const u = ch.run([peer(1, { interested: false, downRate: 1e9 }), peer(2, { isSeed: true }), peer(3)], 'leeching');
  assert.deepEqual([...u], [3]);
});

test('snubbed peers only ever get the optimistic slot', () => {
  const ch = new Choker({ slots: 2, clock: () => 0, random: () => 0 });
  const peers = [peer(1, { snubbed: true, downRate: 1e9 }), peer(2, { downRate: 10 }), peer(3, { downRate: 5 })];
  const u = ch.run(peers, 'leeching');
  assert.ok(u.has(2), 'best unsnubbed gets the regular slot');
  assert.equal(u.size, 2);
});

test('the optimistic unchoke rotates every 30 s, not every round', () => {
  const c = clock();
  let r = 0;
  const seq = [0.1, 0.9, 0.5, 0.3];
  const ch = new Choker({ slots: 2, clock: c.now, random: () => seq[r++ % seq.length] as number });
  const peers = [1, 2, 3, 4, 5].map((k) => peer(k, { downRate: k === 5 ? 1e6 : 0 }));
  ch.run(peers, 'leeching');
  const first = ch.optimistic;
  c.advance(10_000);
  ch.run(peers, 'leeching');
  assert.equal(ch.optimistic, first);
  c.advance(10_000);
  ch.run(peers, 'leeching');
  assert.equal(ch.optimistic, first);
  c.advance(10_000);
  ch.run(peers, 'leeching');
  assert.notEqual(ch.optimistic, first);
});

test('a departed optimistic peer is replaced at once', () => {
  const ch = new Choker({ slots: 2, clock: () => 0, random: () => 0 });
  const peers = [peer(1, { downRate: 100 }), peer(2), peer(3)];
  ch.run(peers, 'leeching');
  const opt = ch.optimistic;
  const rest = peers.filter((p) => p.key !== opt);
  const u = ch.run(rest, 'leeching');
  assert.ok(ch.optimistic !== undefined && ch.optimistic !== opt);
  assert.ok(u.has(ch.optimistic));
});

test('new peers are about three times as likely to be the optimistic unchoke', () => {
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  let newWins = 0;
  const rounds = 4000;
  for (let i = 0; i < rounds; i++) {
    const ch = new Choker({ slots: 1, clock: () => 100_000, random });
    const u = ch.run([peer(1, { connectedAt: 99_000 }), peer(2), peer(3)], 'leeching');
    if (u.has(1)) newWins++;
  }
  // weights 3:1:1 → 60 %
  assert.ok(newWins / rounds > 0.55 && newWins / rounds < 0.65, `new peer won ${newWins}/${rounds}`);
});

test('invariants: within slots, only interested non-seeds (property)', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({ interested: fc.boolean(), isSeed: fc.boolean(), snubbed: fc.boolean(), downRate: fc.nat(1e6), upRate: fc.nat(1e6), connectedAt: fc.nat(100_000) }),
        { maxLength: 30 },
      ),
      fc.integer({ min: 1, max: 8 }),
      fc.constantFrom('leeching' as const, 'seeding' as const),
      (rows, slots, mode) => {
        const peers = rows.map((r, key) => ({ key, ...r }));
        const ch = new Choker({ slots, clock: () => 100_000 });
        const u = ch.run(peers, mode);
        const eligible = peers.filter((p) => p.interested && !p.isSeed);
        assert.ok(u.size <= slots);
        assert.equal(u.size, Math.min(slots, eligible.length));
        for (const k of u) assert.ok(eligible.some((p) => p.key === k));
      },
    ),
  );
});
