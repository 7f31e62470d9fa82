import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bytesToIp, cidrContains, compactPeer, compactPort, ipToBytes, parseCidr } from './address.ts';

const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

test('IPv4 and IPv6 literals become address bytes', () => {
  assert.deepEqual(ipToBytes('127.0.0.1'), { family: 4, bytes: '\x7f\0\0\x01' });
  assert.equal(hex(ipToBytes('::1')?.bytes ?? ''), '00000000000000000000000000000001');
  assert.equal(hex(ipToBytes('2001:db8::ff00:42:8329')?.bytes ?? ''), '20010db8000000000000ff0000428329');
  assert.equal(hex(ipToBytes('[fe80::1%eth0]')?.bytes ?? ''), 'fe800000000000000000000000000001');
  assert.equal(hex(ipToBytes('64:ff9b::192.0.2.33')?.bytes ?? ''), '0064ff9b0000000000000000c0000221');
});

test('IPv4-mapped IPv6 is an IPv4 peer', () => {
  assert.deepEqual(ipToBytes('::ffff:10.1.2.3'), { family: 4, bytes: '\x0a\x01\x02\x03' });
});

test('garbage is not an address', () => {
  for (const s of ['', 'localhost', '1.2.3', '1.2.3.256', '1.2.3.4.5', '::1::2', '1:2:3:4:5:6:7:8:9', 'g::1', '01234::', ':::', '1.2.3.04x']) {
    assert.equal(ipToBytes(s), undefined, s);
  }
});

test('bytesToIp and ipToBytes round-trip any address', () => {
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 })), (b) => {
    const bytes = Buffer.from(b).toString('latin1');
    const text = bytesToIp(bytes);
    const back = ipToBytes(text);
    assert.ok(back !== undefined, text);
    // Mapped addresses come back as IPv4: compare their last 4 bytes.
    if (b.length === 16 && back.family === 4) assert.equal(back.bytes, bytes.slice(12));
    else assert.equal(back.bytes, bytes);
  }));
});

test('compact peers carry the port big-endian', () => {
  const c = compactPeer('\x7f\0\0\x01', 6881);
  assert.equal(hex(c), '7f0000011ae1');
  assert.equal(compactPort(c), 6881);
});

test('CIDR ranges', () => {
  const lan = parseCidr('10.0.0.0/8');
  assert.ok(lan);
  assert.ok(cidrContains(lan, ipToBytes('10.200.1.1')?.bytes ?? ''));
  assert.ok(!cidrContains(lan, ipToBytes('11.0.0.1')?.bytes ?? ''));
  assert.ok(!cidrContains(lan, ipToBytes('::1')?.bytes ?? ''));
  const odd = parseCidr('192.168.4.0/22');
  assert.ok(odd);
  assert.ok(cidrContains(odd, ipToBytes('192.168.7.255')?.bytes ?? ''));
  assert.ok(!cidrContains(odd, ipToBytes('192.168.8.0')?.bytes ?? ''));
  const one = parseCidr('::1');
  assert.ok(one && cidrContains(one, ipToBytes('::1')?.bytes ?? ''));
  const all = parseCidr('0.0.0.0/0');
  assert.ok(all && cidrContains(all, ipToBytes('8.8.8.8')?.bytes ?? ''));
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('nope/8'), undefined);
});
