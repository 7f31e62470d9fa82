import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAnnounce, parseQuery, parseScrape, percentDecode } from './query.ts';
import { escapeBytes } from '../testing.ts';

const HASH = Buffer.from('0123456789abcdef0123456789abcdef01234567', 'hex');
const ID = Buffer.from('-TS0001-abcdefghijkl');


const base = `info_hash=${escapeBytes(HASH)}&peer_id=${escapeBytes(ID)}&port=6881&uploaded=0&downloaded=0&left=100`;

test('a full announce decodes', () => {
  const r = parseAnnounce(`${base}&event=started&numwant=30&compact=1&key=abc&no_peer_id=1`);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(Buffer.from(r.value.infoHash, 'latin1').toString('hex'), HASH.toString('hex'));
  assert.equal(r.value.peerId, ID.toString('latin1'));
  assert.equal(r.value.port, 6881);
  assert.equal(r.value.left, 100);
  assert.equal(r.value.event, 'started');
  assert.equal(r.value.numwant, 30);
  assert.equal(r.value.compact, true);
  assert.equal(r.value.noPeerId, true);
});

test('defaults: compact, numwant unset, no event, left unknown', () => {
  const r = parseAnnounce(`info_hash=${escapeBytes(HASH)}&peer_id=${escapeBytes(ID)}&port=1`);
  assert.ok(r.ok);
  assert.equal(r.value.compact, true);
  assert.equal(r.value.numwant, undefined);
  assert.equal(r.value.event, 'none');
  assert.equal(r.value.left, undefined);
  const neg = parseAnnounce(`${base}&numwant=-1&compact=0`);
  assert.ok(neg.ok);
  assert.equal(neg.value.numwant, undefined);
  assert.equal(neg.value.compact, false);
});

test('every malformed announce gets a reason', () => {
  const cases: Array<[string, RegExp]> = [
    [`peer_id=${escapeBytes(ID)}&port=1`, /missing info_hash/],
    [`info_hash=${escapeBytes(HASH)}&port=1`, /missing peer_id/],
    [`info_hash=${escapeBytes(HASH)}&peer_id=${escapeBytes(ID)}`, /missing port/],
    [`info_hash=abc&peer_id=${escapeBytes(ID)}&port=1`, /info_hash.*20 bytes/],
    [`info_hash=${escapeBytes(HASH)}%00&peer_id=${escapeBytes(ID)}&port=1`, /info_hash.*20 bytes/],
    [`info_hash=${escapeBytes(HASH)}&peer_id=short&port=1`, /peer_id.*20 bytes/],
    [`${base}&info_hash=${escapeBytes(HASH)}`, /one info_hash/],
    [base.replace('port=6881', 'port=0'), /invalid port/],
    [base.replace('port=6881', 'port=65536'), /invalid port/],
    [base.replace('port=6881', 'port=x'), /invalid port/],
    [base.replace('left=100', 'left=-1'), /invalid left/],
    [base.replace('left=100', 'left=1e5'), /invalid left/],
    [base.replace('uploaded=0', 'uploaded=123456789012345678901'), /invalid uploaded/],
    [`${base}&event=bogus`, /invalid event/],
    [`${base}&event=constructor`, /invalid event/],
    [`${base}&numwant=lots`, /invalid numwant/],
    [`${base}&x=%zz`, /malformed/],
    [`${base}&x=%4`, /malformed/],
    [`${base}&x=${'a'.repeat(300)}`, /oversized/],
    [`${base}&x=caf\u00e9`, /malformed/],
  ];
  for (const [q, re] of cases) {
    const r = parseAnnounce(q);
    assert.equal(r.ok, false, q);
    if (!r.ok) assert.match(r.reason, re, q);
  }
});

test('the number of parameters is bounded', () => {
  const many = Array.from({ length: 200 }, (_, i) => `k${i}=v`).join('&');
  const r = parseQuery(many, { maxParams: 128, maxValueBytes: 256, maxScrapeHashes: 100 });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, /too many query parameters/);
});

test('scrape: many info-hashes, deduplicated, bounded, never empty', () => {
  const hashes = Array.from({ length: 5 }, (_, i) => Buffer.alloc(20, i));
  const q = hashes.map((h) => `info_hash=${escapeBytes(h)}`).join('&');
  const r = parseScrape(`${q}&info_hash=${escapeBytes(hashes[0] ?? Buffer.alloc(0))}`);
  assert.ok(r.ok);
  assert.deepEqual(r.value.infoHashes, hashes.map((h) => h.toString('latin1')));
  const none = parseScrape('');
  assert.equal(none.ok, false);
  const bad = parseScrape('info_hash=abc');
  assert.equal(bad.ok, false);
  const tooMany = parseScrape(Array.from({ length: 101 }, (_, i) => `info_hash=${escapeBytes(Buffer.alloc(20, i))}`).join('&'));
  assert.equal(tooMany.ok, false);
  if (!tooMany.ok) assert.match(tooMany.reason, /too many info_hash/);
});

test('property: any 20 raw bytes survive percent-encoding', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ minLength: 20, maxLength: 20 }), (h, id) => {
    const r = parseAnnounce(`info_hash=${escapeBytes(h)}&peer_id=${escapeBytes(id)}&port=1&left=0`);
    assert.ok(r.ok);
    assert.equal(r.value.infoHash, Buffer.from(h).toString('latin1'));
    assert.equal(r.value.peerId, Buffer.from(id).toString('latin1'));
  }));
});

test('fuzz: the parsers never throw and results respect the bounds', () => {
  const piece = fc.oneof(
    fc.constantFrom('info_hash=', 'peer_id=', 'port=', 'left=', 'event=', 'numwant=', 'compact=', '&', '=', '%', '%2', '%zz', '%00', '__proto__=', 'event=started'),
    fc.string({ maxLength: 30 }),
    fc.uint8Array({ maxLength: 25 }).map((b) => escapeBytes(b)),
  );
  fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
    const q = parts.join('');
    const a = parseAnnounce(q);
    if (a.ok) {
      assert.equal(a.value.infoHash.length, 20);
      assert.equal(a.value.peerId.length, 20);
      assert.ok(a.value.port >= 1 && a.value.port <= 65535);
    } else assert.equal(typeof a.reason, 'string');
    const s = parseScrape(q);
    if (s.ok) for (const h of s.value.infoHashes) assert.equal(h.length, 20);
  }), { numRuns: 3000 });
});

test('percentDecode rejects control characters and non-ASCII', () => {
  assert.equal(percentDecode('a\nb', 10), undefined);
  assert.equal(percentDecode('%41%42', 10), 'AB');
  assert.equal(percentDecode('%41%42', 1), undefined);
});
