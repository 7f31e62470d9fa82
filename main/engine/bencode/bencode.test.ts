import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import bencodePkg from 'bencode';
import { bdecode, bdecodePrefix, bdecodeSpans, getInt, isDict, keyBytes, keyOf, type BValue } from './decode.ts';
import { bencode, dict, str } from './encode.ts';
import { TesseraError } from '../errors.ts';

const te = new TextEncoder();
const b = (s: string): Uint8Array => te.encode(s);
const latin1 = (u: Uint8Array): string => String.fromCharCode(...u);
const invalid = (e: unknown): boolean => e instanceof TesseraError && e.code === 'BENCODE_INVALID';

// Arbitrary values with raw-byte keys (latin1 strings, every byte value) and 64-bit integers.
const { value: bvalue } = fc.letrec<{ value: BValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }).filter((x) => x > BigInt(Number.MAX_SAFE_INTEGER) || x < -BigInt(Number.MAX_SAFE_INTEGER)),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(fc.tuple(fc.uint8Array({ maxLength: 6 }).map(latin1), tie('value')), { maxLength: 5 }).map((entries) => new Map(entries)),
  ),
}));

// The same shape as plain JS data over ASCII keys, for the `bencode` package.
const { v: asciiData } = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.uint8Array({ maxLength: 20 }), fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: fc.constantFrom(...'abcdefgh _-'.split('')), maxLength: 6 }), tie('v'), { maxKeys: 4 })),
}));
const toB = (x: unknown): BValue => x instanceof Uint8Array || typeof x === 'number' ? x
  : Array.isArray(x) ? x.map(toB) : new Map(Object.entries(x as Record<string, unknown>).map(([k, v]) => [keyOf(k), toB(v)]));

test('property: bencode -> bdecodeSpans round-trips exactly, and re-encoding gives the same bytes', () => {
  fc.assert(fc.property(bvalue, (v) => {
    const bytes = bencode(v);
    const { value } = bdecodeSpans(bytes);
    assert.deepEqual(value, v);
    assert.deepEqual(bencode(value), bytes);
  }), { numRuns: 500 });
});

test('property: the message decoder round-trips safe values the same way', () => {
  const safe = bvalue.filter((v) => !JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? 'BIG' : x instanceof Map ? [...x] : x)).includes('BIG'));
  fc.assert(fc.property(safe, (v) => {
    const bytes = bencode(v);
    assert.deepEqual(bencode(bdecode(bytes)), bytes);
  }), { numRuns: 300 });
});

test('property: encoder and decoder agree with the bencode package on ASCII-keyed data', () => {
  fc.assert(fc.property(asciiData, (x) => {
    const ours = bencode(toB(x));
    const theirs = bencodePkg.encode(x as never);
    assert.deepEqual(Buffer.from(ours), Buffer.from(theirs));
    assert.deepEqual(bencode(bdecode(new Uint8Array(theirs))), ours);
    // Plain objects encode like the Map built from them.
    assert.deepEqual(bencode(x as never), ours);
  }), { numRuns: 300 });
});

test('keys: raw bytes survive as latin1, including 0x80-0x9f (which a TextDecoder "latin1" maps to windows-1252)', () => {
  const raw = new Uint8Array([0x80, 0x9f, 0xe9, 0x00, 0xff]);
  const bytes = bencode(new Map([[latin1(raw), 1]]));
  const d = bdecode(bytes);
  assert.ok(isDict(d));
  const [key] = [...d.keys()];
  assert.deepEqual(keyBytes(key as string), raw);
  assert.equal(keyOf('é'), '\u00c3\u00a9', 'keyOf gives the UTF-8 bytes');
  assert.deepEqual(keyBytes('€'), b('€'), 'a key that cannot be latin1 is encoded as UTF-8 text');
  // Keys sort by raw bytes: 0xc3 0xa9 ('é' in UTF-8) after 'z'; the bencode package would sort by UTF-16.
  assert.deepEqual(bencode(dict({ é: 1, z: 2, a: 3 })), b('d1:ai3e1:zi2e2:éi1ee'));
});

test('encoder: strings as UTF-8, undefined members left out, bigints exact, non-integers refused', () => {
  assert.deepEqual(bencode({ b: 'ü', a: undefined, c: [1, -2, 'x'] }), b('d1:b2:ü1:cli1ei-2e1:xee'));
  assert.deepEqual(bencode(2n ** 64n), b('i18446744073709551616e'));
  assert.deepEqual(bencode(str('hi')), b('2:hi'));
  for (const bad of [1.5, NaN, Infinity, 2 ** 60]) {
    assert.throws(() => bencode(bad), (e: unknown) => e instanceof TesseraError && e.code === 'BAD_ARGUMENT');
  }
});

test('property: a JS string encodes as its UTF-8 bytes, ASCII or not (lone surrogates as U+FFFD, like TextEncoder)', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (s) => {
    assert.deepEqual(bencode(s), bencode(new TextEncoder().encode(s)));
    assert.deepEqual(bencode({ path: [s, 'a'] }), bencode(dict({ path: [str(s), str('a')] })));
  }));
});

test('bdecodeSpans records the exact byte span of each top-level value', () => {
  const bytes = b('d4:infod4:name1:xe3:zzzi1ee');
  const { spans } = bdecodeSpans(bytes);
  assert.deepEqual(spans.get('info'), [7, 18]);
  assert.deepEqual(spans.get('zzz'), [23, 26]);
  assert.equal(new TextDecoder().decode(bytes.subarray(7, 18)), 'd4:name1:xe');
  assert.equal(bdecodeSpans(b('li1ee')).spans.size, 0, 'no spans for a top-level list');
});

test('string values are zero-copy views into the input, also at an offset', () => {
  const outer = b('xx4:abcd');
  const v = bdecode(outer.subarray(2));
  assert.ok(v instanceof Uint8Array);
  assert.equal(v.buffer, outer.buffer);
  assert.equal(v.byteOffset, 4);
  assert.equal(new TextDecoder().decode(v), 'abcd');
});

test('rejects malformed and hostile input with BENCODE_INVALID', () => {
  const bad = ['', 'x', 'l', 'le1', 'i-0e', 'i03e', 'i01e', 'ie', 'i-e', 'i12', 'i1.5e', '03:abc', '5:abc', '3:abcX', '-1:', ':', 'd1:ai1e',
    'd1:ai1e1:ai2ee', 'di1ei2ee', 'd3:abc', 'dle', '9999999999999999:x', 'i123456789012345678901e', 'l'.repeat(200) + 'e'.repeat(200)];
  for (const s of bad) {
    assert.throws(() => bdecode(b(s)), invalid, s);
    assert.throws(() => bdecodeSpans(b(s)), invalid, s);
  }
});

test('integers: canonical only; beyond 2^53 refused in messages, exact bigint in torrents', () => {
  assert.equal(bdecode(b('i-9007199254740991e')), -9007199254740991);
  assert.equal(bdecode(b('i0e')), 0);
  for (const s of ['i9007199254740992e', 'i99999999999999999e', 'i-9223372036854775808e']) {
    assert.throws(() => bdecode(b(s)), invalid, s);
    assert.equal(typeof bdecodeSpans(b(s)).value, 'bigint', s);
    assert.equal(typeof bdecode(b(s), { bigInts: true }), 'bigint', s);
  }
  assert.equal(bdecodeSpans(b('i-9223372036854775808e')).value, -(2n ** 63n));
  assert.throws(() => bdecodeSpans(b('i9007199254740992e'), { bigInts: false }), invalid);
});

test('prefix: trailing bytes only with allowTrailing, and end says where the value stops', () => {
  const msg = b('d8:msg_typei1e5:piecei0eeDATA');
  assert.throws(() => bdecode(msg), invalid);
  assert.throws(() => bdecodePrefix(msg), invalid);
  assert.throws(() => bdecodeSpans(msg), invalid);
  const { value, end } = bdecodePrefix(msg, { allowTrailing: true });
  assert.ok(isDict(value));
  assert.equal(getInt(value, 'msg_type'), 1);
  assert.equal(new TextDecoder().decode(msg.subarray(end)), 'DATA');
});

test('dictionaries are Maps: __proto__ is an ordinary key; unsorted keys are accepted', () => {
  const d = bdecode(b('d9:__proto__i1e1:bli-3e0:e1:ai2ee'));
  assert.ok(isDict(d));
  assert.equal(getInt(d, '__proto__'), 1);
  assert.equal(getInt(d, 'a'), 2);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
});

test('depth, token and heap bounds hold for deep and dense input without blowing the stack', () => {
  const deep = b('l'.repeat(100_000) + 'e'.repeat(100_000));
  assert.throws(() => bdecodeSpans(deep), /nesting deeper than 100/);
  assert.throws(() => bdecode(deep), /nesting deeper than 64/);
  assert.doesNotThrow(() => bdecode(b('l'.repeat(64) + 'e'.repeat(64))));
  assert.throws(() => bdecode(b('l'.repeat(65) + 'e'.repeat(65))), invalid);
  assert.throws(() => bdecode(b('lllleeee'), { maxDepth: 3 }), /nesting deeper than 3/);
  // A million empty lists would take ~160 MB as objects: the heap budget (32x + 1 MiB) stops it.
  assert.throws(() => bdecode(b('l' + 'le'.repeat(1_000_000) + 'e')), /bytes of memory/);
  assert.throws(() => bdecode(b('l' + '0:'.repeat(1_000_000) + 'e')), /bytes of memory/);
  assert.throws(() => bdecode(b('l' + 'i1e'.repeat(101) + 'e'), { maxTokens: 100 }), /more than 100 values/);
  assert.throws(() => bdecode(b('d3:abci1ee'), { maxHeap: 100 }), /bytes of memory/);
  assert.doesNotThrow(() => bdecode(b('l' + 'i1e'.repeat(100) + 'e'), { maxTokens: 101 }));
});

const fuzzDecoders = (u: Uint8Array): void => {
  for (const f of [bdecode, bdecodeSpans, (x: Uint8Array) => bdecodePrefix(x, { allowTrailing: true, maxDepth: 4 })]) {
    try { f(u); } catch (e) { assert.ok(invalid(e), String(e)); }
  }
};

test('property: random bytes and random bencode-alphabet text only ever raise BENCODE_INVALID', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fuzzDecoders), { numRuns: 3000 });
  const alphabet = fc.constantFrom(...'dlie0123456789:-xa'.split(''));
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 60 }), (cs) => fuzzDecoders(b(cs.join('')))), { numRuns: 3000 });
});

test('property: valid encodings, truncated or mutated, only ever raise BENCODE_INVALID', () => {
  fc.assert(fc.property(bvalue, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (v, cut, at, byte) => {
    const bytes = bencode(v);
    const truncated = bytes.subarray(0, cut % bytes.length);
    assert.throws(() => bdecodeSpans(truncated), invalid, 'a strict prefix of one value is never a value');
    const mutated = bytes.slice();
    mutated[at % mutated.length] = byte;
    fuzzDecoders(mutated);
  }), { numRuns: 1500 });
});

test('keyOf: any name gives the latin1 string of its UTF-8 bytes (the ASCII shortcut included)', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (name) => {
    const u = new TextEncoder().encode(name);
    assert.equal(keyOf(name), String.fromCharCode(...u));
    assert.deepEqual(keyBytes(keyOf(name)), u);
  }), { numRuns: 500 });
});
