import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildMagnet, parseMagnet, type Magnet } from './magnet.ts';
import { base32Decode, base32Encode, toHex } from './hex.ts';
import { TesseraError } from '../errors.ts';

const H1 = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';
const H2 = 'caf1e1c30e81cb361b9ee167c4aa64228a7fa4fa9f6105232b28ad099f3a302e';

test('parses hex and base32 btih, btmh, and every supported parameter', () => {
  const m = parseMagnet(`magnet:?xt=urn:btih:${H1.toUpperCase()}&xt=urn:btmh:1220${H2}&dn=My+File%20x&tr=http%3A%2F%2Ft%2Fa&tr=udp://u:1&ws=http://w/&xl=1234&x.pe=127.0.0.1:6881&so=0,2,4-6&foo=bar`);
  assert.equal(toHex(m.infoHashV1!), H1);
  assert.equal(toHex(m.infoHashV2!), H2);
  assert.equal(m.name, 'My File x');
  assert.deepEqual(m.trackers, ['http://t/a', 'udp://u:1']);
  assert.deepEqual(m.webSeeds, ['http://w/']);
  assert.equal(m.exactLength, 1234);
  assert.deepEqual(m.peers, ['127.0.0.1:6881']);
  assert.deepEqual(m.selectOnly, [0, 2, 4, 5, 6]);
  const b32 = base32Encode(Buffer.from(H1, 'hex'));
  assert.equal(toHex(parseMagnet(`magnet:?xt=urn:btih:${b32}`).infoHashV1!), H1);
  assert.equal(toHex(parseMagnet(`magnet:?xt=urn:btih:${b32.toLowerCase()}`).infoHashV1!), H1);
});

test('rejects bad magnets with MAGNET_INVALID', () => {
  const bad = ['http://x', 'magnet:?dn=x', 'magnet:?xt=urn:btih:123', `magnet:?xt=urn:btmh:1114${H2}`, `magnet:?xt=urn:btih:${H1}&xl=-1`,
    `magnet:?xt=urn:btih:${H1}&so=3-1`, `magnet:?xt=urn:btih:${H1}&so=0-99999999`, `magnet:?xt=urn:btih:${H1}&xt=urn:btih:${'0'.repeat(40)}`,
    'magnet:?' + 'a'.repeat(70_000)];
  for (const s of bad) assert.throws(() => parseMagnet(s), (e: unknown) => e instanceof TesseraError && e.code === 'MAGNET_INVALID', s);
});

test('property: build then parse gives the same magnet', () => {
  const text = fc.string({ maxLength: 20 });
  const arb = fc.record({
    v1: fc.option(fc.uint8Array({ minLength: 20, maxLength: 20 }), { nil: undefined }),
    v2: fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: undefined }),
    name: fc.option(text, { nil: undefined }),
    trackers: fc.uniqueArray(fc.webUrl(), { maxLength: 3 }),
    webSeeds: fc.uniqueArray(fc.webUrl(), { maxLength: 2 }),
    exactLength: fc.option(fc.maxSafeNat(), { nil: undefined }),
    peers: fc.uniqueArray(fc.tuple(fc.ipV4(), fc.nat(65535)).map(([a, p]) => `${a}:${p}`), { maxLength: 2 }),
    selectOnly: fc.option(fc.uniqueArray(fc.nat(500), { minLength: 1, maxLength: 10 }).map((a) => a.sort((x, y) => x - y)), { nil: undefined }),
  }).filter((r) => r.v1 !== undefined || r.v2 !== undefined);
  fc.assert(fc.property(arb, (r) => {
    const m: Magnet = { trackers: r.trackers, webSeeds: r.webSeeds, peers: r.peers };
    if (r.v1) m.infoHashV1 = r.v1;
    if (r.v2) m.infoHashV2 = r.v2;
    if (r.name !== undefined) m.name = r.name;
    if (r.exactLength !== undefined) m.exactLength = r.exactLength;
    if (r.selectOnly !== undefined) m.selectOnly = r.selectOnly;
    assert.deepEqual(parseMagnet(buildMagnet(m)), m);
  }), { numRuns: 500 });
});

test('a name with a lone surrogate is still encodable', () => {
  const m = parseMagnet(buildMagnet({ infoHashV1: new Uint8Array(20), name: 'a\uD800b', trackers: [], webSeeds: [], peers: [] }));
  assert.equal(m.name, 'a\uFFFDb');
});

test('property: base32 round-trips 20-byte hashes', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (u) => {
    assert.deepEqual(base32Decode(base32Encode(u)), u);
  }));
});

test('property: arbitrary strings never throw anything but MAGNET_INVALID', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (a, b) => {
    for (const s of [a, `magnet:?${a}`, `magnet:?xt=urn:btih:${H1}&${a}=${b}`]) {
      try { parseMagnet(s); } catch (e) { assert.ok(e instanceof TesseraError && e.code === 'MAGNET_INVALID', String(e)); }
    }
  }), { numRuns: 1000 });
});
