import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TesseraError } from '../../errors.ts';
import {
  HEADER_SIZE, ST_DATA, ST_FIN, ST_RESET, ST_STATE, ST_SYN, buildSack, decodePacket, encodePacket, sackedSeqs,
  seqDiff, seqLess, type PacketType,
} from './packet.ts';

const u16 = fc.nat({ max: 0xffff });
const u32 = fc.nat({ max: 0xffffffff });
const type = fc.constantFrom<PacketType>(ST_DATA, ST_FIN, ST_STATE, ST_RESET, ST_SYN);

test('header fields survive encode/decode (known bytes)', () => {
  const bytes = encodePacket({ type: ST_SYN, connectionId: 0x1234, timestamp: 0xdeadbeef, timestampDiff: 7, wndSize: 1 << 20, seqNr: 1, ackNr: 0 });
  assert.equal(bytes.length, HEADER_SIZE);
  assert.equal(bytes[0], 0x41); // type 4, version 1
  assert.equal(bytes[1], 0);
  assert.deepEqual([...bytes.subarray(2, 4)], [0x12, 0x34]);
  const p = decodePacket(bytes);
  assert.equal(p.type, ST_SYN);
  assert.equal(p.timestamp, 0xdeadbeef);
  assert.equal(p.wndSize, 1 << 20);
  assert.equal(p.payload.length, 0);
});

test('round trip of any header, selective ack and payload', () => {
  fc.assert(fc.property(type, u16, u32, u32, u32, u16, u16, fc.option(fc.integer({ min: 1, max: 8 })), fc.uint8Array({ maxLength: 1500 }),
    (t, id, ts, td, wnd, seq, ack, sackWords, data) => {
      const sack = sackWords === null ? undefined : new Uint8Array(sackWords * 4).map((_, i) => (i * 37 + seq) & 0xff);
      const payload = t === ST_DATA ? data : new Uint8Array(0);
      const p = decodePacket(encodePacket({ type: t, connectionId: id, timestamp: ts, timestampDiff: td, wndSize: wnd, seqNr: seq, ackNr: ack, ...(sack ? { sack } : {}), payload }));
      assert.deepEqual([p.type, p.connectionId, p.timestamp, p.timestampDiff, p.wndSize, p.seqNr, p.ackNr], [t, id, ts, td, wnd, seq, ack]);
      assert.deepEqual(p.sack === undefined ? undefined : [...p.sack], sack === undefined ? undefined : [...sack]);
      assert.deepEqual([...p.payload], [...payload]);
    }));
});

test('random bytes either parse or throw WIRE_PROTOCOL, never anything else', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    try {
      const p = decodePacket(bytes);
      assert.ok(p.payload.length <= bytes.length - HEADER_SIZE);
    } catch (e) {
      assert.ok(e instanceof TesseraError && e.code === 'WIRE_PROTOCOL', String(e));
    }
  }), { numRuns: 5000 });
});

test('mutated valid packets (every truncation, bit flips in the extension area) are handled', () => {
  const good = encodePacket({ type: ST_STATE, connectionId: 1, timestamp: 2, timestampDiff: 3, wndSize: 4, seqNr: 5, ackNr: 6, sack: new Uint8Array([1, 0, 0, 0]) });
  for (let n = 0; n < good.length; n++) assert.throws(() => decodePacket(good.subarray(0, n)), /uTP/);
  fc.assert(fc.property(fc.nat({ max: good.length - 1 }), fc.nat({ max: 255 }), (i, v) => {
    const m = good.slice();
    m[i] = v;
    try { decodePacket(m); } catch (e) { assert.ok(e instanceof TesseraError); }
  }));
});

test('malformed packets are refused', () => {
  const h = { type: ST_STATE, connectionId: 1, timestamp: 0, timestampDiff: 0, wndSize: 0, seqNr: 0, ackNr: 0 } as const;
  const v2 = encodePacket(h); v2[0] = 0x22;
  assert.throws(() => decodePacket(v2), /version/);
  const t9 = encodePacket(h); t9[0] = 0x91;
  assert.throws(() => decodePacket(t9), /type/);
  const empty = new Uint8Array([...encodePacket(h), 0, 0]); empty[1] = 1;
  assert.throws(() => decodePacket(empty), /empty selective ack/);
  // libtorrent sends bitmasks whose length is no multiple of 4: read them all the same.
  const odd = new Uint8Array([...encodePacket(h), 0, 3, 1, 0, 0]); odd[1] = 1;
  assert.deepEqual(sackedSeqs(0, decodePacket(odd).sack ?? new Uint8Array(0)), [2]);
  const withData = new Uint8Array([...encodePacket(h), 9]);
  assert.throws(() => decodePacket(withData), /payload on a packet/);
  // A loop of empty unknown extensions is cut off.
  const chain = new Uint8Array([...encodePacket(h), ...Array.from({ length: 20 }, () => [2, 0]).flat()]); chain[1] = 2;
  assert.throws(() => decodePacket(chain), /too many extensions/);
  // An unknown extension with a length is skipped.
  const unk = new Uint8Array([...encodePacket(h), 0, 2, 9, 9]); unk[1] = 2;
  assert.equal(decodePacket(unk).sack, undefined);
});

test('sequence arithmetic wraps at 2^16', () => {
  assert.ok(seqLess(0xffff, 0));
  assert.ok(!seqLess(0, 0xffff));
  assert.equal(seqDiff(2, 0xfffe), 4);
  assert.equal(seqDiff(0xfffe, 2), -4);
  fc.assert(fc.property(u16, fc.integer({ min: 1, max: 0x7fff }), (a, d) => {
    assert.ok(seqLess(a, (a + d) & 0xffff));
    assert.equal(seqDiff((a + d) & 0xffff, a), d);
  }));
});

test('selective ack bitmask: build and read back agree, LSB first from ack_nr + 2', () => {
  const sack = buildSack(10, (s) => s === 12 || s === 21);
  assert.ok(sack !== undefined);
  assert.equal(sack.length, 4);
  assert.equal(sack[0], 1);
  assert.equal(sack[1], 2);
  assert.deepEqual(sackedSeqs(10, sack), [12, 21]);
  assert.equal(buildSack(10, () => false), undefined);
  fc.assert(fc.property(u16, fc.uniqueArray(fc.nat({ max: 255 }), { maxLength: 40 }), (ack, offs) => {
    const held = new Set(offs.map((o) => (ack + 2 + o) & 0xffff));
    const s = buildSack(ack, (q) => held.has(q));
    if (s === undefined) { assert.equal(held.size, 0); return; }
    assert.equal(s.length % 4, 0);
    assert.deepEqual(new Set(sackedSeqs(ack, s)), held);
  }));
});
