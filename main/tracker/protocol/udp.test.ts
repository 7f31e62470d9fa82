import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  encodeAnnounceReply, encodeConnectReply, encodeErrorReply, encodeScrapeReply, parseUdpRequest,
} from './udp.ts';
import { udpAnnouncePacket, udpConnectPacket, udpScrapePacket } from '../testing.ts';

const CID = Buffer.from('0102030405060708', 'hex');
const H = Buffer.alloc(20, 0xab);
const ID = Buffer.alloc(20, 0x2d);

test('connect: needs the protocol id', () => {
  assert.deepEqual(parseUdpRequest(udpConnectPacket(77)), { action: 'connect', transactionId: 77 });
  const bad = udpConnectPacket(5);
  bad[3] = 9;
  assert.deepEqual(parseUdpRequest(bad), { action: 'error', transactionId: 5, reason: 'bad protocol id in connect' });
});

test('announce: every field, BEP 41 options tolerated', () => {
  const p = udpAnnouncePacket({ connectionId: CID, tid: 9, infoHash: H, peerId: ID, left: 2 ** 40, event: 2, numwant: 25, port: 51413 });
  const withOptions = Buffer.concat([p, Buffer.from([2, 5, 0x2f, 0x61, 0x6e, 0x6e, 0x6f, 1, 0])]);
  for (const pkt of [p, withOptions]) {
    const r = parseUdpRequest(pkt);
    assert.equal(r.action, 'announce');
    if (r.action !== 'announce') return;
    assert.equal(r.transactionId, 9);
    assert.deepEqual(Buffer.from(r.connectionId), CID);
    assert.equal(r.request.infoHash, H.toString('latin1'));
    assert.equal(r.request.peerId, ID.toString('latin1'));
    assert.equal(r.request.left, 2 ** 40);
    assert.equal(r.request.event, 'started');
    assert.equal(r.request.numwant, 25);
    assert.equal(r.request.port, 51413);
  }
  const dflt = parseUdpRequest(udpAnnouncePacket({ connectionId: CID, tid: 1, infoHash: H, peerId: ID, port: 1 }));
  assert.ok(dflt.action === 'announce' && dflt.request.numwant === undefined && dflt.request.event === 'none');
});

test('announce errors: short, bad event, port 0', () => {
  const p = udpAnnouncePacket({ connectionId: CID, tid: 3, infoHash: H, peerId: ID, port: 1 });
  assert.deepEqual(parseUdpRequest(p.subarray(0, 97)), { action: 'error', transactionId: 3, reason: 'announce shorter than 98 bytes' });
  const ev = Buffer.from(p);
  ev.writeUInt32BE(4, 80);
  assert.equal(parseUdpRequest(ev).action, 'error');
  const port0 = Buffer.from(p);
  port0.writeUInt16BE(0, 96);
  assert.deepEqual(parseUdpRequest(port0), { action: 'error', transactionId: 3, reason: 'invalid port' });
});

test('scrape: 1..74 hashes; none or too many is an error; short packets are dropped', () => {
  const hs = Array.from({ length: 74 }, (_, i) => Buffer.alloc(20, i));
  const r = parseUdpRequest(udpScrapePacket(CID, 4, hs));
  assert.ok(r.action === 'scrape' && r.infoHashes.length === 74 && r.infoHashes[3] === hs[3]?.toString('latin1'));
  assert.equal(parseUdpRequest(udpScrapePacket(CID, 4, [])).action, 'error');
  assert.equal(parseUdpRequest(udpScrapePacket(CID, 4, [...hs, H])).action, 'error');
  assert.equal(parseUdpRequest(Buffer.alloc(15)).action, 'drop');
  const unknown = udpConnectPacket(8);
  unknown.writeUInt32BE(7, 8);
  assert.deepEqual(parseUdpRequest(unknown), { action: 'error', transactionId: 8, reason: 'unknown action' });
});

test('replies have the BEP 15 layout', () => {
  const c = encodeConnectReply(0xdeadbeef, CID);
  assert.equal(c.toString('hex'), `00000000deadbeef${CID.toString('hex')}`);
  const a = encodeAnnounceReply({ transactionId: 1, interval: 1800, leechers: 3, seeders: 4, peers: Buffer.from('\x7f\0\0\x01\x1a\xe1', 'latin1') });
  assert.equal(a.toString('hex'), '00000001' + '00000001' + '00000708' + '00000003' + '00000004' + '7f0000011ae1');
  const s = encodeScrapeReply(2, [{ seeders: 1, completed: 2, leechers: 3 }]);
  assert.equal(s.toString('hex'), '00000002' + '00000002' + '00000001' + '00000002' + '00000003');
  const e = encodeErrorReply(6, 'nope');
  assert.equal(e.toString('hex'), `00000003${'00000006'}${Buffer.from('nope').toString('hex')}`);
});

test('fuzz: any datagram parses to a typed result without throwing', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
    const r = parseUdpRequest(b);
    if (b.length < 16) assert.equal(r.action, 'drop');
    if (r.action === 'announce') {
      assert.ok(b.length >= 98);
      assert.equal(r.request.infoHash.length, 20);
      assert.ok(r.request.port > 0);
    }
    if (r.action === 'scrape') assert.ok(r.infoHashes.length >= 1 && r.infoHashes.length <= 74);
  }), { numRuns: 5000 });
  // Valid headers with random tails: the interesting paths.
  fc.assert(fc.property(fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 1600 }), (action, tail) => {
    const head = udpConnectPacket(1);
    head.writeUInt32BE(action, 8);
    const r = parseUdpRequest(Buffer.concat([head, tail]));
    assert.ok(['connect', 'announce', 'scrape', 'error'].includes(r.action));
  }), { numRuns: 3000 });
});
