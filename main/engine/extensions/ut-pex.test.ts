import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TesseraError } from '../errors.ts';
import { MAX_PEX_PEERS, PEX_INTERVAL_MS, PexReceiver, PexSender, addrKey, decodePex, encodePex, type PexPeer } from './ut-pex.ts';

const peer = (i: number, flags = 0): PexPeer => ({ ip: `10.0.${i >> 8}.${i & 0xff}`, port: 1000 + i, flags });

test('ut_pex messages round-trip IPv4 and IPv6 with flags', () => {
  const m = { added: [peer(1, 0x12), { ip: '2001:db8::1', port: 6881, flags: 0x02 }], dropped: [{ ip: '10.0.0.9', port: 9 }, { ip: '::1', port: 7 }] };
  const back = decodePex(encodePex(m));
  assert.deepEqual(back.added.map((p) => `${addrKey(p)}/${p.flags}`).sort(), ['10.0.0.1:1001/18', '[2001:db8::1]:6881/2']);
  assert.deepEqual(back.dropped.map(addrKey).sort(), ['10.0.0.9:9', '[::1]:7']);
});

test('the sender waits a minute between messages, sends at most 50 added, then the diff', () => {
  const s = new PexSender();
  const all = new Map<string, PexPeer>();
  for (let i = 0; i < 70; i++) all.set(addrKey(peer(i)), peer(i));
  const first = s.next(all, 0);
  assert.equal(first?.added.length, MAX_PEX_PEERS);
  assert.equal(s.next(all, PEX_INTERVAL_MS - 1), undefined, 'too early');
  const second = s.next(all, PEX_INTERVAL_MS);
  assert.equal(second?.added.length, 20, 'the rest follows next round');
  all.delete(addrKey(peer(3)));
  const third = s.next(all, 2 * PEX_INTERVAL_MS);
  assert.deepEqual(third, { added: [], dropped: [{ ip: peer(3).ip, port: peer(3).port }] });
  assert.equal(s.next(all, 3 * PEX_INTERVAL_MS), undefined, 'nothing changed');
});

test('the receiver ignores a peer that floods', () => {
  const r = new PexReceiver();
  assert.equal(r.accept(0), true);
  assert.equal(r.accept(1000), false);
  assert.equal(r.accept(PEX_INTERVAL_MS), true);
});

test('decoding arbitrary bytes only ever throws TesseraError, and reads at most 100 peers', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    try { decodePex(bytes); } catch (e) { assert.ok(e instanceof TesseraError, String(e)); }
  }), { numRuns: 2000 });
  const many = Array.from({ length: 500 }, (_, i) => peer(i));
  assert.ok(decodePex(encodePex({ added: many, dropped: [] })).added.length <= 2 * MAX_PEX_PEERS);
});
