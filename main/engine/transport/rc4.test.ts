import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rc4 } from './rc4.ts';
import { RC4_WASM_BASE64 } from './rc4-wasm-binary.ts';

/** The textbook cipher, one byte and one array lookup at a time: the reference the fast paths must match. */
function naiveRc4(key: Uint8Array, data: Uint8Array, discard = 0): Uint8Array {
  const s: number[] = [];
  for (let i = 0; i < 256; i++) s.push(i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + (s[i] ?? 0) + (key[i % key.length] ?? 0)) % 256;
    [s[i], s[j]] = [s[j] ?? 0, s[i] ?? 0];
  }
  let i = 0;
  j = 0;
  const out = new Uint8Array(data.length);
  for (let n = 0; n < discard + data.length; n++) {
    i = (i + 1) % 256;
    j = (j + (s[i] ?? 0)) % 256;
    [s[i], s[j]] = [s[j] ?? 0, s[i] ?? 0];
    const k = s[((s[i] ?? 0) + (s[j] ?? 0)) % 256] ?? 0;
    if (n >= discard) out[n - discard] = (data[n - discard] ?? 0) ^ k;
  }
  return out;
}

// 'auto' runs buffers of 256 bytes and more through the WebAssembly cipher, shorter ones through TS.
const impls = ['ts', 'auto'] as const;
const KEY = Buffer.from('0102030405', 'hex');

for (const impl of impls) {
  test(`RC4 (${impl}) matches RFC 6229 key 0102030405 in one 1056-byte call`, () => {
    const out = Buffer.from(new Rc4(KEY, 0, { impl }).process(new Uint8Array(1056)));
    assert.equal(out.subarray(0, 16).toString('hex'), 'b2396305f03dc027ccc3524a0a1118a8');
    assert.equal(out.subarray(1024, 1040).toString('hex'), '30abbcc7c20b01609f23ee2d5f6bb7df');
    const skipped = Buffer.from(new Rc4(KEY, 1024, { impl }).process(new Uint8Array(32)));
    assert.deepEqual(skipped, out.subarray(1024, 1056));
  });

  test(`RC4 (${impl}) equals a naive reference on random keys, split points, offsets and discards`, () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 256 }),
      fc.uint8Array({ minLength: 0, maxLength: 3000 }),
      fc.array(fc.nat({ max: 3000 }), { maxLength: 6 }),
      fc.nat({ max: 7 }),
      fc.constantFrom(0, 1, 3, 1024),
      (key, data, cuts, pad, discard) => {
        const want = naiveRc4(key, data, discard);
        // Copy the data to an unaligned spot inside a larger buffer, with guard bytes around it.
        const backing = new Uint8Array(pad + data.length + 8).fill(0xa5);
        backing.set(data, pad);
        const view = backing.subarray(pad, pad + data.length);
        const rc4 = new Rc4(key, discard, { impl });
        const points = [...new Set(cuts.map((c) => Math.min(c, data.length)))].sort((a, b) => a - b);
        let at = 0;
        for (const p of [...points, data.length]) { rc4.process(view, at, p); at = p; }
        assert.deepEqual(Buffer.from(view), Buffer.from(want));
        assert.ok(backing.subarray(0, pad).every((x) => x === 0xa5), 'bytes before the range untouched');
        assert.ok(backing.subarray(pad + data.length).every((x) => x === 0xa5), 'bytes after the range untouched');
      },
    ), { numRuns: 200 });
  });

  test(`RC4 (${impl}) skip() equals processing and dropping the same bytes`, () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat({ max: 40000 }), (key, n) => {
      const a = new Rc4(key, 0, { impl });
      a.skip(n);
      const b = new Rc4(key, 0, { impl });
      b.process(new Uint8Array(n));
      assert.deepEqual(a.process(new Uint8Array(40)), b.process(new Uint8Array(40)));
    }), { numRuns: 30 });
  });
}

test('RC4 works on Buffers and returns the same object, leaving other ranges alone', () => {
  const buf = Buffer.alloc(100, 7);
  const r = new Rc4(KEY, 0, { impl: 'ts' });
  assert.equal(r.process(buf, 10, 90), buf);
  assert.ok(buf.subarray(0, 10).every((x) => x === 7) && buf.subarray(90).every((x) => x === 7));
  assert.deepEqual(Buffer.from(buf.subarray(10, 90)), Buffer.from(naiveRc4(KEY, new Uint8Array(80).fill(7))));
  assert.throws(() => new Rc4(new Uint8Array(0)), RangeError);
  assert.throws(() => new Rc4(new Uint8Array(257)), RangeError);
});

test('auto uses the WebAssembly cipher, and it matches the reference across its 256 KiB chunks', () => {
  const key = Buffer.from('a key of twenty byte');
  const data = new Uint8Array(700_000).map((_, i) => (i * 31 + 7) & 0xff);
  const r = new Rc4(key, 1024);
  assert.equal(r.impl, 'wasm');
  const got = r.processCopy(data.subarray(0, 600_001));
  r.process(data, 600_001); // continues the same keystream on a second call
  const want = naiveRc4(key, new Uint8Array(700_000).map((_, i) => (i * 31 + 7) & 0xff), 1024);
  assert.deepEqual(Buffer.from(got), Buffer.from(want.subarray(0, 600_001)));
  assert.deepEqual(Buffer.from(data.subarray(600_001)), Buffer.from(want.subarray(600_001)));
});

test('the committed WebAssembly bytes are what scripts/build-rc4-wasm.mjs assembles from rc4.wat', async () => {
  const script: { assembleRc4Wasm: () => Promise<Buffer> } = await import(new URL('../../../scripts/build-rc4-wasm.mjs', import.meta.url).href);
  assert.equal((await script.assembleRc4Wasm()).toString('base64'), RC4_WASM_BASE64);
});
