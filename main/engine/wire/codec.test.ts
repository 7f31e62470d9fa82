import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeHandshake, decodeHandshake, type Handshake } from './handshake.ts';
import { encodeMessage, encodePiece, type WireMessage } from './messages.ts';
import { WireDecoder, type WireEvent } from './decoder.ts';
import { TesseraError } from '../errors.ts';

const u32 = fc.nat({ max: 0xffffffff });
const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });
const block = fc.record({ index: u32, begin: u32, length: u32 });

const arbMessage: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.constantFrom<WireMessage>({ type: 'keep-alive' }, { type: 'choke' }, { type: 'unchoke' }, { type: 'interested' },
    { type: 'not-interested' }, { type: 'have-all' }, { type: 'have-none' }),
  fc.record({ type: fc.constant('have' as const), index: u32 }),
  fc.record({ type: fc.constant('suggest' as const), index: u32 }),
  fc.record({ type: fc.constant('allowed-fast' as const), index: u32 }),
  fc.record({ type: fc.constant('bitfield' as const), bytes: bytes(40) }),
  block.map((b) => ({ type: 'request' as const, ...b })),
  block.map((b) => ({ type: 'cancel' as const, ...b })),
  block.map((b) => ({ type: 'reject' as const, ...b })),
  fc.record({ type: fc.constant('piece' as const), index: u32, begin: u32, block: bytes(300) }),
  fc.record({ type: fc.constant('port' as const), port: fc.nat({ max: 0xffff }) }),
  fc.record({ type: fc.constant('extended' as const), id: fc.nat({ max: 255 }), payload: bytes(60) }),
  fc.record({ type: fc.constant('unknown' as const), id: fc.integer({ min: 24, max: 255 }), payload: bytes(30) }),
).map((m) => ({ ...m }) as WireMessage); // fc.record builds null-prototype objects; the decoder builds plain ones

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => i);
const peerId = new TextEncoder().encode('-TS0100-abcdefghijkl');

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function decodeAll(stream: Uint8Array, cuts: number[], handshake: boolean): WireEvent[] {
  const d = new WireDecoder({ handshake });
  const out: WireEvent[] = [];
  let prev = 0;
  for (const c of [...cuts, stream.length]) {
    for (const m of d.push(stream.slice(prev, c))) out.push(m);
    prev = c;
  }
  assert.equal(d.buffered, 0);
  return out;
}

test('handshake round trip with reserved bits', () => {
  const h = encodeHandshake({ infoHash, peerId, extended: true, fast: true, dht: true });
  assert.equal(h.length, 68);
  assert.equal(h[25], 0x10);
  assert.equal(h[27], 0x05);
  const d = decodeHandshake(h);
  assert.deepEqual(d.infoHash, infoHash);
  assert.deepEqual(d.peerId, peerId);
  assert.ok(d.extended && d.fast && d.dht);
  const plain = decodeHandshake(encodeHandshake({ infoHash, peerId }));
  assert.ok(!plain.extended && !plain.fast && !plain.dht);
  const bad = h.slice(); bad[3] = 0x41;
  assert.throws(() => decodeHandshake(bad), (e: unknown) => e instanceof TesseraError && e.code === 'WIRE_PROTOCOL');
});

test('known encodings (BEP 3 / BEP 6 ids and lengths)', () => {
  assert.deepEqual([...encodeMessage({ type: 'keep-alive' })], [0, 0, 0, 0]);
  assert.deepEqual([...encodeMessage({ type: 'interested' })], [0, 0, 0, 1, 2]);
  assert.deepEqual([...encodeMessage({ type: 'have', index: 0x01020304 })], [0, 0, 0, 5, 4, 1, 2, 3, 4]);
  assert.deepEqual([...encodeMessage({ type: 'have-all' })], [0, 0, 0, 1, 0x0e]);
  assert.deepEqual([...encodeMessage({ type: 'have-none' })], [0, 0, 0, 1, 0x0f]);
  assert.deepEqual([...encodeMessage({ type: 'reject', index: 1, begin: 2, length: 3 })], [0, 0, 0, 13, 0x10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
  assert.deepEqual([...encodeMessage({ type: 'allowed-fast', index: 7 })], [0, 0, 0, 5, 0x11, 0, 0, 0, 7]);
  assert.deepEqual([...encodeMessage({ type: 'suggest', index: 7 })], [0, 0, 0, 5, 0x0d, 0, 0, 0, 7]);
  assert.deepEqual([...encodeMessage({ type: 'port', port: 6881 })], [0, 0, 0, 3, 9, 0x1a, 0xe1]);
  assert.deepEqual([...encodeMessage({ type: 'extended', id: 0, payload: Uint8Array.of(0x64, 0x65) })], [0, 0, 0, 4, 20, 0, 0x64, 0x65]);
  const blk = Uint8Array.of(9, 8, 7);
  const [header, body] = encodePiece(1, 16384, blk);
  assert.equal(body, blk, 'the block is passed through, not copied');
  assert.deepEqual([...header], [0, 0, 0, 12, 7, 0, 0, 0, 1, 0, 0, 0x40, 0]);
  assert.throws(() => encodeMessage({ type: 'have', index: -1 }), TesseraError);
});

test('piece decoding is zero-copy when the block lies in one chunk', () => {
  const blk = new Uint8Array(16384).fill(7);
  const frame = concat(encodePiece(3, 0, blk));
  const d = new WireDecoder();
  const [m] = [...d.push(frame)];
  assert.ok(m !== undefined && m.type === 'piece');
  assert.equal(m.block.buffer, frame.buffer, 'block is a view of the received chunk');
  assert.equal(m.block.byteOffset, 13);
  assert.equal(m.block.length, 16384);
});

test('round trip at every split point (handshake + messages)', () => {
  const msgs: WireMessage[] = [
    { type: 'bitfield', bytes: Uint8Array.of(0xff, 0x80) }, { type: 'keep-alive' }, { type: 'have', index: 5 },
    { type: 'piece', index: 1, begin: 2, block: Uint8Array.of(1, 2, 3, 4, 5) }, { type: 'extended', id: 3, payload: Uint8Array.of(1) },
    { type: 'port', port: 1 }, { type: 'request', index: 1, begin: 0, length: 16384 },
  ];
  const stream = concat([encodeHandshake({ infoHash, peerId, fast: true }), ...msgs.map(encodeMessage)]);
  for (let i = 0; i <= stream.length; i++) {
    for (const j of [i, Math.min(stream.length, i + 1), Math.min(stream.length, i + 7)]) {
      const out = decodeAll(stream, [i, j], true);
      assert.equal(out.length, msgs.length + 1);
      const [h, ...rest] = out;
      assert.equal((h as Handshake).type, 'handshake');
      assert.ok((h as Handshake).fast);
      assert.deepEqual(rest, msgs);
    }
  }
});

test('round trip with random messages and random chunking (property)', () => {
  fc.assert(fc.property(fc.array(arbMessage, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (msgs, rawCuts) => {
    const stream = concat(msgs.map(encodeMessage));
    const cuts = rawCuts.map((c) => (stream.length === 0 ? 0 : c % (stream.length + 1))).sort((a, b) => a - b);
    assert.deepEqual(decodeAll(stream, cuts, false), msgs);
  }), { numRuns: 300 });
});

function code(fn: () => unknown): string | undefined {
  try { fn(); } catch (e) { if (e instanceof TesseraError) return e.code; throw e; }
  return undefined;
}

test('oversized frames are rejected from the 5-byte header alone', () => {
  const d = new WireDecoder();
  assert.equal(code(() => [...d.push(Uint8Array.of(0, 0, 0x40, 0x0a, 7))]), 'WIRE_FRAME_TOO_LARGE'); // piece 16 KiB + 10
  assert.equal(code(() => [...d.push(Uint8Array.of(0))]), 'WIRE_FRAME_TOO_LARGE', 'a failed decoder stays failed');
  assert.equal(code(() => [...new WireDecoder().push(Uint8Array.of(0xff, 0xff, 0xff, 0xff))]), 'WIRE_FRAME_TOO_LARGE');
  // Bitfield capped to the piece count once known.
  const b = new WireDecoder({ pieceCount: 16 });
  assert.equal(code(() => [...b.push(Uint8Array.of(0, 0, 0, 4, 5))]), 'WIRE_FRAME_TOO_LARGE');
  const ok = new WireDecoder({ pieceCount: 16 });
  assert.equal([...ok.push(Uint8Array.of(0, 0, 0, 3, 5, 0xff, 0xff))].length, 1);
  const magnet = new WireDecoder();
  magnet.setPieceCount(16); // metadata arrived: the cap tightens to exactly 2 bytes
  assert.equal(code(() => [...magnet.push(Uint8Array.of(0, 0, 0, 4, 5))]), 'WIRE_FRAME_TOO_LARGE');
  const e = new WireDecoder({ maxExtendedLength: 100 });
  assert.equal(code(() => [...e.push(Uint8Array.of(0, 0, 0, 103, 20))]), 'WIRE_FRAME_TOO_LARGE');
  // Exactly at the piece cap is fine.
  const p = new WireDecoder();
  const blk = new Uint8Array(16384);
  assert.equal([...p.push(concat(encodePiece(0, 0, blk)))].length, 1);
});

test('fixed-size messages with a wrong length are protocol errors', () => {
  assert.equal(code(() => [...new WireDecoder().push(Uint8Array.of(0, 0, 0, 2, 1, 0))]), 'WIRE_PROTOCOL'); // unchoke with payload
  assert.equal(code(() => [...new WireDecoder().push(Uint8Array.of(0, 0, 0, 4, 4))]), 'WIRE_PROTOCOL'); // short have
  assert.equal(code(() => [...new WireDecoder().push(Uint8Array.of(0, 0, 0, 14, 6))]), 'WIRE_PROTOCOL'); // long request
  assert.equal(code(() => [...new WireDecoder().push(Uint8Array.of(0, 0, 0, 8, 7))]), 'WIRE_PROTOCOL'); // piece too short
  assert.equal(code(() => [...new WireDecoder({ handshake: true }).push(Uint8Array.of(19, 0x41))]), 'WIRE_PROTOCOL'); // bad protocol, caught at byte 2
});

test('undrained bytes are bounded', () => {
  const d = new WireDecoder({ maxBuffered: 1000 });
  d.push(new Uint8Array(600)); // 150 keep-alives, never pulled
  d.push(new Uint8Array(600));
  assert.equal(code(() => d.push(new Uint8Array(600))), 'LIMIT_EXCEEDED');
  // A caller that drains never hits the default limit, however the stream is cut.
  const ok = new WireDecoder();
  const big = new Uint8Array(5 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 65536) for (const m of ok.push(big.subarray(i, i + 65536))) assert.equal(m.type, 'keep-alive');
  const lazy = new WireDecoder();
  lazy.push(Uint8Array.of(0, 0, 0x40, 9, 7));
  lazy.push(new Uint8Array(16384)); // an incomplete piece frame, drained or not, stays under the cap
  assert.equal(lazy.next(), null);
});

test('hostile byte streams: only TesseraErrors, buffer bounded (fuzz)', () => {
  fc.assert(fc.property(fc.boolean(), fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 40 }), (hs, chunks) => {
    const d = new WireDecoder({ handshake: hs, maxBlockLength: 64, maxExtendedLength: 64, maxBitfieldBytes: 64 });
    try {
      for (const c of chunks) {
        for (const m of d.push(c)) assert.ok(typeof m.type === 'string');
        assert.ok(d.buffered <= 68 + 4 + 64 + 9, `buffered ${d.buffered}`);
      }
    } catch (e) {
      assert.ok(e instanceof TesseraError, String(e));
    }
  }), { numRuns: 2000 });
});

test('a valid prefix followed by garbage: messages before the garbage still come out', () => {
  fc.assert(fc.property(fc.array(arbMessage, { minLength: 1, maxLength: 8 }), fc.uint8Array({ minLength: 1, maxLength: 40 }), (msgs, junk) => {
    const good = concat(msgs.map(encodeMessage));
    const d = new WireDecoder();
    const seen: WireEvent[] = [];
    try {
      for (const m of d.push(concat([good, junk]))) seen.push(m);
    } catch (e) {
      assert.ok(e instanceof TesseraError);
    }
    assert.deepEqual(seen.slice(0, msgs.length), msgs);
  }), { numRuns: 300 });
});
