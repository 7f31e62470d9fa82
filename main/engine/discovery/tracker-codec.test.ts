import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bencode } from '../bencode/encode.ts';
import { TesseraError } from '../errors.ts';
import {
  buildAnnounceUrl, buildScrapeUrl, parseAnnounceReply, parseScrapeReply, percentEncodeBytes, scrapeUrlFor, toHex, type AnnounceParams,
} from './tracker-codec.ts';
import { encodeAnnounce, encodeConnect, encodeScrape, parseUdpReply, PROTOCOL_ID } from './udp-codec.ts';

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
const peerId = new TextEncoder().encode('-TS0100-abc def~.xyz');
const params: AnnounceParams = { infoHash, peerId, port: 6881, uploaded: 1, downloaded: 2, left: 3, event: 'started', key: 0xdeadbeef };

test('percent-encoding of binary values', () => {
  assert.equal(percentEncodeBytes(Uint8Array.of(0x00, 0x41, 0x7e, 0x20, 0xff, 0x2e)), '%00A~%20%FF.');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
    assert.deepEqual(new Uint8Array(Buffer.from(unescape(percentEncodeBytes(b)), 'latin1')), b);
  }));
});

test('announce and scrape URLs', () => {
  const u = buildAnnounceUrl('http://t.example:8080/announce?passkey=abc', params);
  assert.ok(u.startsWith('http://t.example:8080/announce?passkey=abc&info_hash=%00%0D%1A'), u);
  assert.ok(u.includes('&peer_id=-TS0100-abc%20def~.xyz&'));
  assert.ok(u.includes('&port=6881&uploaded=1&downloaded=2&left=3&compact=1'));
  assert.ok(u.includes('&event=started'));
  assert.ok(u.includes('&key=deadbeef'));
  assert.ok(!buildAnnounceUrl('http://t/announce', { ...params, event: 'none' }).includes('event='));
  assert.equal(scrapeUrlFor('http://t/x/announce'), 'http://t/x/scrape');
  assert.equal(scrapeUrlFor('http://t/announce.php?k=1'), 'http://t/scrape.php?k=1');
  assert.equal(scrapeUrlFor('http://t/a'), null);
  assert.equal(scrapeUrlFor('http://t/announce/x'), null);
  assert.equal(buildScrapeUrl('http://t/announce', [infoHash]), `http://t/scrape?info_hash=${percentEncodeBytes(infoHash)}`);
});

test('announce reply: compact, dict list, peers6, fields', () => {
  const compact = Uint8Array.of(127, 0, 0, 1, 0x1a, 0xe1, 10, 0, 0, 2, 0, 80);
  const p6 = new Uint8Array(18); p6[15] = 1; p6[16] = 0; p6[17] = 81;
  const r = parseAnnounceReply(bencode({ interval: 1800, 'min interval': 60, 'tracker id': 'tid', complete: 5, incomplete: 3, downloaded: 9, peers: compact, peers6: p6, 'warning message': 'be nice' }));
  assert.deepEqual(r, { interval: 1800, minInterval: 60, trackerId: 'tid', complete: 5, incomplete: 3, downloaded: 9, warning: 'be nice',
    peers: [{ ip: '127.0.0.1', port: 6881 }, { ip: '10.0.0.2', port: 80 }, { ip: '::1', port: 81 }] });
  const d = parseAnnounceReply(bencode({ interval: 10, peers: [{ ip: '1.2.3.4', port: 1, 'peer id': 'x' }, { ip: 'bad host!', port: 2 }, { ip: '::2', port: 0 }, 'junk', { port: 5 }] }));
  assert.deepEqual(d.peers, [{ ip: '1.2.3.4', port: 1 }]);
  assert.throws(() => parseAnnounceReply(bencode({ 'failure reason': 'unregistered torrent' })), (e: unknown) => e instanceof TesseraError && e.code === 'TRACKER_FAILURE' && e.message === 'unregistered torrent');
  assert.throws(() => parseAnnounceReply(bencode({ peers: '' })), (e: unknown) => e instanceof TesseraError && e.code === 'TRACKER_PROTOCOL');
  assert.throws(() => parseAnnounceReply(new TextEncoder().encode('<html>')), (e: unknown) => e instanceof TesseraError && e.code === 'TRACKER_PROTOCOL');
  const evil = parseAnnounceReply(bencode({ interval: 1, 'warning message': 'a\x1b[2Jb' }));
  assert.equal(evil.warning, 'a?[2Jb');
});

test('scrape reply', () => {
  const files = new Map([[String.fromCharCode(...infoHash), { complete: 1, incomplete: 2, downloaded: 3 }], ['short', { complete: 1 }]]);
  const r = parseScrapeReply(bencode({ files }));
  assert.deepEqual([...r], [[toHex(infoHash), { complete: 1, incomplete: 2, downloaded: 3 }]]);
});

test('hostile HTTP tracker replies never throw anything but TesseraError (fuzz)', () => {
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.uint8Array({ maxLength: 40 }), fc.string({ maxLength: 10 }),
      fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('ip', 'port', 'peer id', 'x'), tie('v'), { maxKeys: 3 })),
  })).v;
  const reply = fc.dictionary(fc.constantFrom('interval', 'min interval', 'peers', 'peers6', 'failure reason', 'warning message', 'complete', 'tracker id', 'files'), value, { maxKeys: 6 });
  fc.assert(fc.property(reply, (r) => {
    const body = bencode(r as Parameters<typeof bencode>[0]);
    for (const parse of [parseAnnounceReply, parseScrapeReply]) {
      try {
        const out = parse(body);
        if ('peers' in out) for (const p of out.peers) assert.ok(p.port > 0 && p.port < 65536 && p.ip.length > 0);
      } catch (e) {
        assert.ok(e instanceof TesseraError, String(e));
      }
    }
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
    try { parseAnnounceReply(b); } catch (e) { assert.ok(e instanceof TesseraError, String(e)); }
  }), { numRuns: 2000 });
});

test('UDP packets: encodings and replies', () => {
  const c = encodeConnect(0x01020304);
  assert.equal(c.length, 16);
  assert.equal(new DataView(c.buffer).getBigUint64(0), PROTOCOL_ID);
  const a = encodeAnnounce(0x1122334455667788n, 7, params);
  assert.equal(a.length, 98);
  const v = new DataView(a.buffer);
  assert.equal(v.getUint32(8), 1);
  assert.equal(v.getUint32(80), 2, 'started = 2');
  assert.equal(v.getInt32(92), -1);
  assert.equal(v.getUint16(96), 6881);
  assert.equal(encodeScrape(1n, 2, [infoHash, infoHash]).length, 56);
  const reply = new Uint8Array(20 + 12);
  const rv = new DataView(reply.buffer);
  rv.setUint32(0, 1); rv.setUint32(4, 7); rv.setUint32(8, 900); rv.setUint32(12, 4); rv.setUint32(16, 5);
  reply.set([127, 0, 0, 1, 0, 10, 127, 0, 0, 2, 0, 11], 20);
  assert.deepEqual(parseUdpReply(reply, 4), { action: 'announce', transactionId: 7, interval: 900, leechers: 4, seeders: 5, peers: [{ ip: '127.0.0.1', port: 10 }, { ip: '127.0.0.2', port: 11 }] });
  const err = Uint8Array.of(0, 0, 0, 3, 0, 0, 0, 9, ...new TextEncoder().encode('nope'));
  assert.deepEqual(parseUdpReply(err, 4), { action: 'error', transactionId: 9, message: 'nope' });
  assert.throws(() => parseUdpReply(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1), 4), TesseraError);
});

test('hostile UDP replies (fuzz)', () => {
  fc.assert(fc.property(fc.nat({ max: 5 }), fc.uint8Array({ maxLength: 200 }), fc.constantFrom<4 | 6>(4, 6), (action, rest, fam) => {
    const p = new Uint8Array(4 + rest.length);
    p[3] = action; p.set(rest, 4);
    try { parseUdpReply(p, fam); } catch (e) { assert.ok(e instanceof TesseraError, String(e)); }
  }), { numRuns: 3000 });
});
