import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeExtensionHandshake, encodeExtensionHandshake, type ExtensionHandshake } from './extension-handshake.ts';
import { formatIPv6, parseIp, parseCompactPeers, encodeCompactPeer } from './compact.ts';
import { TesseraError } from '../errors.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

test('extension handshake round trip', () => {
  const h: ExtensionHandshake = {
    m: new Map([['ut_metadata', 3], ['ut_pex', 1]]), port: 6881, client: 'Tessera 0.1.0', yourIp: '127.0.0.1',
    ipv6: '::1', ipv4: '10.0.0.1', reqq: 500, metadataSize: 31235, uploadOnly: true,
  };
  assert.deepEqual(decodeExtensionHandshake(encodeExtensionHandshake(h)), h);
  const min = decodeExtensionHandshake(enc('d1:md6:ut_pexi0e11:ut_metadatai300eee'));
  assert.equal(min.m.size, 0, 'disabled (0) and out-of-range ids are dropped');
  const odd = decodeExtensionHandshake(enc('d1:mi5e1:p3:abc1:v5:a\x1bbcd6:yourip3:abce'));
  assert.equal(odd.port, undefined);
  assert.equal(odd.client, 'a?bcd');
  assert.equal(odd.yourIp, undefined);
  assert.throws(() => decodeExtensionHandshake(enc('le')), TesseraError);
});

test('extension handshake on hostile payloads (fuzz)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
    try { decodeExtensionHandshake(b); } catch (e) { assert.ok(e instanceof TesseraError, String(e)); }
  }), { numRuns: 2000 });
});

test('IP formatting and compact peers', () => {
  assert.equal(formatIPv6(parseIp('2001:db8::1') ?? new Uint8Array(16)), '2001:db8::1');
  assert.equal(formatIPv6(parseIp('::') ?? new Uint8Array(1)), '::');
  assert.equal(formatIPv6(parseIp('1:0:0:2:0:0:0:3') ?? new Uint8Array(1)), '1:0:0:2::3');
  assert.equal(formatIPv6(parseIp('::ffff:1.2.3.4') ?? new Uint8Array(1)), '::ffff:102:304');
  assert.equal(parseIp('1.2.3'), null);
  assert.equal(parseIp('1.2.3.256'), null);
  assert.equal(parseIp('1::2::3'), null);
  const peers = [{ ip: '1.2.3.4', port: 6881 }, { ip: '127.0.0.1', port: 1 }];
  const b = new Uint8Array(12);
  b.set(encodeCompactPeer(peers[0]!), 0); b.set(encodeCompactPeer(peers[1]!), 6);
  assert.deepEqual(parseCompactPeers(b, 4), peers);
  assert.throws(() => parseCompactPeers(new Uint8Array(7), 4), TesseraError);
  assert.deepEqual(parseCompactPeers(encodeCompactPeer({ ip: '::1', port: 80 }), 6), [{ ip: '::1', port: 80 }]);
  assert.deepEqual(parseCompactPeers(new Uint8Array(6), 4), [], 'port 0 dropped');
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (a) => {
    assert.deepEqual(parseIp(formatIPv6(a)), a);
  }));
});
