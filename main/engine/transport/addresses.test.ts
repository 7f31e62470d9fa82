import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownIPv6 } from './addresses.ts';
import { ExtensionRegistry } from '../peer/extensions.ts';
import { decodeExtensionHandshake } from '../wire/extension-handshake.ts';

test('ownIPv6: only a real IPv6 local address of the connection', () => {
  assert.deepEqual(ownIPv6({ localAddress: '2001:db8::5' }), { ipv6: '2001:db8::5' });
  assert.deepEqual(ownIPv6({ localAddress: '::1' }), { ipv6: '::1' });
  assert.deepEqual(ownIPv6({ localAddress: '::ffff:10.0.0.1' }), {});
  assert.deepEqual(ownIPv6({ localAddress: 'fe80::1' }), {});
  assert.deepEqual(ownIPv6({ localAddress: '10.0.0.1' }), {});
  assert.deepEqual(ownIPv6({}), {});
});

test('the BEP 10 handshake carries ipv6 when given', () => {
  const reg = new ExtensionRegistry();
  const h = decodeExtensionHandshake(reg.handshake({ port: 6881, reqq: 250, ...ownIPv6({ localAddress: '2001:db8::5' }) }));
  assert.equal(h.ipv6, '2001:db8::5');
  const none = decodeExtensionHandshake(reg.handshake({ port: 6881, reqq: 250 }));
  assert.equal(none.ipv6, undefined);
});
