import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import bencodePkg from 'bencode';
import { bdecode, keyOf, type BValue } from './bdecode.ts';
import { bencode } from './bencode-encode.ts';
import { TesseraError } from '../errors.ts';

const te = new TextEncoder();
const b = (s: string): Uint8Array => te.encode(s);

// Arbitrary bencode values with raw-byte keys (latin1 strings).
const { value: bvalue } = fc.letrec<{ value: BValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.maxSafeInteger(),
    // 64-bit integers beyond 2^53 stay exact as bigint.
    fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }).filter((x) => x > BigInt(Number.MAX_SAFE_INTEGER) || x < -BigInt(Number.MAX_SAFE_INTEGER)),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(fc.tuple(fc.uint8Array({ maxLength: 6 }).map((u) => String.fromCharCode(...u)), tie('value')), { maxLength: 5 })
      .map((entries) => new Map(entries)),
  ),
}));

test('property: bencode -> bdecode round-trips, and re-encoding gives the same bytes', () => {
  fc.assert(fc.property(bvalue, (v) => {
    const bytes = bencode(v);
    const { value } = bdecode(bytes);
    assert.deepEqual(bencode(value), bytes);
  }), { numRuns: 500 });
});

test('property: agrees with the bencode package on ASCII-keyed data', () => {
  const ascii = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.uint8Array({ maxLength: 20 }), fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(fc.string({ unit: fc.constantFrom(...'abcdefgh _-'.split('')), maxLength: 6 }), tie('v'), { maxKeys: 4 })),
  }));
  const toB = (x: unknown): BValue => x instanceof Uint8Array || typeof x === 'number' ? x
    : Array.isArray(x) ? x.map(toB) : new Map(Object.entries(x as Record<string, unknown>).map(([k, v]) => [keyOf(k), toB(v)]));
  fc.assert(fc.property(ascii.v, (x) => {
    const ours = bencode(toB(x));
    const theirs = bencodePkg.encode(x as never);
    assert.deepEqual(Buffer.from(ours), Buffer.from(theirs));
  }), { numRuns: 300 });
});

test('records the exact byte span of top-level values', () => {
  const bytes = b('d4:infod4:name1:xe3:zzzi1ee');
  const { spans } = bdecode(bytes);
  assert.deepEqual(spans.get('info'), [7, 18]);
  assert.equal(new TextDecoder().decode(bytes.subarray(7, 18)), 'd4:name1:xe');
});

test('rejects malformed and hostile input with BENCODE_INVALID', () => {
  const bad = ['', 'l-3:e', 'i-0e', 'i03e', 'ie', 'i12', '03:abc', '5:abc', 'd1:ai1e1:ai2ee', 'di1ei2ee', 'le1', 'x', 'l'.repeat(200) + 'e'.repeat(200), 'd3:abc', '9999999999999999:x'];
  for (const s of bad) {
    assert.throws(() => bdecode(b(s)), (e: unknown) => e instanceof TesseraError && e.code === 'BENCODE_INVALID', s);
  }
});

test('depth and token limits hold for deep and dense input without blowing the stack', () => {
  const deep = b('l'.repeat(100_000) + 'e'.repeat(100_000));
  assert.throws(() => bdecode(deep), /nesting deeper than 100/);
  const dense = b('l' + 'le'.repeat(1_000_000) + 'e');
  assert.throws(() => bdecode(dense), /more than/);
  assert.doesNotThrow(() => bdecode(b('l' + 'i1e'.repeat(100) + 'e')));
});

test('property: random bytes never throw anything but BENCODE_INVALID', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (u) => {
    try { bdecode(u); } catch (e) { assert.ok(e instanceof TesseraError && e.code === 'BENCODE_INVALID', String(e)); }
  }), { numRuns: 3000 });
});
