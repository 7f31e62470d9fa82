import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import bencode, { type Encodable } from 'bencode';
import { encodeAnnounceReply, encodeFailure, encodeScrapeReply } from './http-reply.ts';

const peer = (n: number) => fc.record({
  addr: fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('latin1')),
  id: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => Buffer.from(b).toString('latin1')),
});

test('property: the hand-written compact reply is exactly what the bencode package writes', () => {
  fc.assert(fc.property(
    fc.nat(1e6), fc.nat(1e6), fc.integer({ min: 1, max: 86400 }), fc.integer({ min: 1, max: 86400 }),
    fc.array(peer(6), { maxLength: 60 }), fc.array(peer(18), { maxLength: 20 }), fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    (complete, incomplete, interval, minInterval, peers4, peers6, warning) => {
      const compact4 = Buffer.from(peers4.map((p) => p.addr).join(''), 'latin1');
      const compact6 = Buffer.from(peers6.map((p) => p.addr).join(''), 'latin1');
      const r = { complete, incomplete, interval, minInterval, compact4, compact6, ...(warning === undefined ? {} : { warning }) };
      const dict: Record<string, Encodable> = {
        complete, incomplete, interval, 'min interval': minInterval,
        peers: Buffer.from(peers4.map((p) => p.addr).join(''), 'latin1'),
      };
      if (peers6.length) dict.peers6 = Buffer.from(peers6.map((p) => p.addr).join(''), 'latin1');
      if (warning !== undefined) dict['warning message'] = warning;
      assert.deepEqual(Buffer.from(encodeAnnounceReply(r, { compact: true })), Buffer.from(bencode.encode(dict)));
    },
  ));
});

test('non-compact replies list dictionaries; failure and scrape replies', () => {
  const r = encodeAnnounceReply({
    complete: 1, incomplete: 0, interval: 60, minInterval: 30,
    compact4: Buffer.from('\x0a\0\0\x01\x1a\xe1', 'latin1'), ids4: ['A'.repeat(20)],
    compact6: Buffer.from(`${'\0'.repeat(15)}\x01\0\x50`, 'latin1'), ids6: ['B'.repeat(20)],
  }, { compact: false, noPeerId: false });
  assert.equal(Buffer.from(r).toString('latin1'),
    'd8:completei1e10:incompletei0e8:intervali60e12:min intervali30e5:peersld2:ip8:10.0.0.17:peer id20:AAAAAAAAAAAAAAAAAAAA4:porti6881eed2:ip3:::17:peer id20:BBBBBBBBBBBBBBBBBBBB4:porti80eeee');
  // A compact view into a larger buffer (as the store's pooled buffers are) and no_peer_id.
  const big = Buffer.from('xx\x7f\0\0\x01\x00\x50yy', 'latin1');
  const np = encodeAnnounceReply({ complete: 0, incomplete: 1, interval: 60, minInterval: 30, compact4: big.subarray(2, 8), compact6: new Uint8Array(0) }, { compact: false, noPeerId: true });
  assert.equal(Buffer.from(np).toString('latin1'), 'd8:completei0e10:incompletei1e8:intervali60e12:min intervali30e5:peersld2:ip9:127.0.0.14:porti80eeee');
  assert.equal(Buffer.from(encodeAnnounceReply({ complete: 0, incomplete: 1, interval: 60, minInterval: 30, compact4: big.subarray(2, 8), compact6: new Uint8Array(0) }, { compact: true })).toString('latin1'),
    'd8:completei0e10:incompletei1e8:intervali60e12:min intervali30e5:peers6:\x7f\0\0\x01\x00\x50e');
  assert.equal(Buffer.from(encodeFailure('no', 60)).toString(), 'd14:failure reason2:no8:retry ini60ee');
  const s = encodeScrapeReply([
    { infoHash: '\xff'.repeat(20), complete: 1, incomplete: 2, downloaded: 3 },
    { infoHash: '\x01'.repeat(20), complete: 0, incomplete: 0, downloaded: 0 },
  ]);
  // Binary keys, sorted as bytes (0x01... before 0xff...).
  assert.equal(Buffer.from(s).toString('latin1'),
    `d5:filesd20:${'\x01'.repeat(20)}d8:completei0e10:downloadedi0e10:incompletei0ee20:${'\xff'.repeat(20)}d8:completei1e10:downloadedi3e10:incompletei2eeee`);
});
