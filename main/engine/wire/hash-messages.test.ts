// BEP 52 hash request (21) / hashes (22) / hash reject (23): layout, round trips at every split,
// and the bounds a peer cannot get past (fixed lengths, a cap on the hashes carried).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeMessage, MAX_HASHES_PER_MESSAGE, type HashRange, type WireMessage } from './messages.ts';
import { WireDecoder, type WireEvent } from './decoder.ts';
import { TesseraError } from '../errors.ts';

const u32 = fc.nat({ max: 0xffffffff });
const root = fc.uint8Array({ minLength: 32, maxLength: 32 });
const range: fc.Arbitrary<HashRange> = fc.record({ piecesRoot: root, baseLayer: u32, index: u32, length: u32, proofLayers: u32 });
const arbHashMessage: fc.Arbitrary<WireMessage> = fc.oneof(
  range.map((r) => ({ type: 'hash-request' as const, ...r })),
  range.map((r) => ({ type: 'hash-reject' as const, ...r })),
  fc.tuple(range, fc.nat({ max: 40 })).chain(([r, n]) =>
    fc.uint8Array({ minLength: n * 32, maxLength: n * 32 }).map((hashes) => ({ type: 'hashes' as const, ...r, hashes }))),
  fc.record({ type: fc.constant('have' as const), index: u32 }),
).map((m) => ({ ...m }) as WireMessage);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function decodeAll(stream: Uint8Array, cuts: number[]): WireEvent[] {
  const d = new WireDecoder();
  const out: WireEvent[] = [];
  let prev = 0;
  for (const c of [...cuts, stream.length]) {
    for (const m of d.push(stream.slice(prev, c))) out.push(m);
    prev = c;
  }
  assert.equal(d.buffered, 0);
  return out;
}

const R = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

test('hash request layout: <49><21><root><base><index><length><proof layers>', () => {
  const b = encodeMessage({ type: 'hash-request', piecesRoot: R, baseLayer: 2, index: 512, length: 512, proofLayers: 9 });
  assert.equal(b.length, 4 + 49);
  assert.deepEqual([...b.subarray(0, 5)], [0, 0, 0, 49, 21]);
  assert.deepEqual(b.subarray(5, 37), R);
  assert.deepEqual([...b.subarray(37)], [0, 0, 0, 2, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 9]);
  const rej = encodeMessage({ type: 'hash-reject', piecesRoot: R, baseLayer: 2, index: 512, length: 512, proofLayers: 9 });
  assert.equal(rej[4], 23);
  const h = encodeMessage({ type: 'hashes', piecesRoot: R, baseLayer: 0, index: 0, length: 2, proofLayers: 0, hashes: new Uint8Array(64).fill(5) });
  assert.deepEqual([...h.subarray(0, 5)], [0, 0, 0, 49 + 64, 22]);
  assert.throws(() => encodeMessage({ type: 'hash-request', piecesRoot: new Uint8Array(20), baseLayer: 0, index: 0, length: 1, proofLayers: 0 }), TesseraError);
  assert.throws(() => encodeMessage({ type: 'hashes', piecesRoot: R, baseLayer: 0, index: 0, length: 1, proofLayers: 0, hashes: new Uint8Array(33) }), TesseraError);
});

test('hash messages round trip with random chunking (property)', () => {
  fc.assert(fc.property(fc.array(arbHashMessage, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 16 }), (msgs, rawCuts) => {
    const stream = concat(msgs.map(encodeMessage));
    const cuts = rawCuts.map((c) => (stream.length === 0 ? 0 : c % (stream.length + 1))).sort((a, b) => a - b);
    assert.deepEqual(decodeAll(stream, cuts), msgs);
  }), { numRuns: 300 });
});

test('decoded hashes are a copy, not a view of the socket chunk', () => {
  const frame = encodeMessage({ type: 'hashes', piecesRoot: R, baseLayer: 0, index: 0, length: 1, proofLayers: 0, hashes: new Uint8Array(32).fill(9) });
  const [m] = [...new WireDecoder().push(frame)];
  assert.ok(m !== undefined && m.type === 'hashes');
  frame.fill(0);
  assert.deepEqual(m.hashes, new Uint8Array(32).fill(9));
});

function header(len: number, id: number): Uint8Array {
  return Uint8Array.of(len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff, id);
}

test('bounds: wrong fixed lengths, ragged or oversized hashes are refused at the header', () => {
  const cases: Array<[number, number, string]> = [
    [48, 21, 'WIRE_PROTOCOL'], [50, 21, 'WIRE_PROTOCOL'], [81, 23, 'WIRE_PROTOCOL'],
    [48, 22, 'WIRE_PROTOCOL'], [49 + 31, 22, 'WIRE_PROTOCOL'],
    [49 + 32 * (MAX_HASHES_PER_MESSAGE + 1), 22, 'WIRE_FRAME_TOO_LARGE'], [0x7fffffff, 22, 'WIRE_FRAME_TOO_LARGE'],
  ];
  for (const [len, id, code] of cases) {
    // Only the 5-byte header is sent: the refusal must not wait for (or buffer) the body.
    assert.throws(() => [...new WireDecoder().push(header(len, id))],
      (e: unknown) => e instanceof TesseraError && e.code === code, `len ${len} id ${id}`);
  }
  const ok = [...new WireDecoder().push(concat([header(49 + 32 * MAX_HASHES_PER_MESSAGE, 22), new Uint8Array(48 + 32 * MAX_HASHES_PER_MESSAGE)]))];
  assert.equal(ok.length, 1);
});

test('fuzz: arbitrary bytes after a valid prefix never crash with anything but a TesseraError', () => {
  fc.assert(fc.property(fc.array(arbHashMessage, { maxLength: 3 }), fc.uint8Array({ maxLength: 200 }), fc.constantFrom(21, 22, 23), (msgs, junk, id) => {
    const tail = concat([header(junk.length + 1, id), junk]);
    const stream = concat([...msgs.map(encodeMessage), tail]);
    const d = new WireDecoder();
    try {
      for (const m of d.push(stream)) assert.ok(typeof m.type === 'string');
    } catch (e) {
      assert.ok(e instanceof TesseraError, String(e));
    }
  }), { numRuns: 500 });
});
