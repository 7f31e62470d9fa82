import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_QUERY_LIMITS, parseAnnounce, parseQuery, parseScrape, percentDecode, type QueryLimits } from './query.ts';
import type { AnnounceEvent, AnnounceRequest, Parsed } from './types.ts';
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

// The announce parser before it became one pass (parseQuery, then the pairs in order): the model
// the single-pass parseAnnounce must agree with, result for result and reason for reason.
const EVENTS_MODEL: Record<string, AnnounceEvent> = { '': 'none', empty: 'none', started: 'started', stopped: 'stopped', completed: 'completed', paused: 'none' };
function modelParseAnnounce(raw: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): Parsed<AnnounceRequest> {
  const q = parseQuery(raw, limits);
  if (!q.ok) return q;
  let infoHash: string | undefined;
  let peerId: string | undefined;
  let port: number | undefined;
  let uploaded = 0;
  let downloaded = 0;
  let left: number | undefined;
  let event: AnnounceEvent = 'none';
  let numwant: number | undefined;
  let compact = true;
  let noPeerId = false;
  const count = (v: string): number | undefined => (/^\d{1,20}$/.test(v) ? Number(v) : undefined);
  for (const [k, v] of q.value) {
    switch (k) {
      case 'info_hash':
        if (infoHash !== undefined) return { ok: false, reason: 'announce takes one info_hash' };
        if (v.length !== 20) return { ok: false, reason: 'invalid info_hash: must be 20 bytes' };
        infoHash = v;
        break;
      case 'peer_id':
        if (v.length !== 20) return { ok: false, reason: 'invalid peer_id: must be 20 bytes' };
        peerId = v;
        break;
      case 'port':
        if (!/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) return { ok: false, reason: 'invalid port' };
        port = Number(v);
        break;
      case 'uploaded': case 'downloaded': case 'left': {
        const n = count(v);
        if (n === undefined) return { ok: false, reason: `invalid ${k}` };
        if (k === 'uploaded') uploaded = n; else if (k === 'downloaded') downloaded = n; else left = n;
        break;
      }
      case 'event': {
        const e = EVENTS_MODEL[v];
        if (e === undefined || !Object.hasOwn(EVENTS_MODEL, v)) return { ok: false, reason: 'invalid event' };
        event = e;
        break;
      }
      case 'numwant': {
        if (!/^-?\d{1,9}$/.test(v)) return { ok: false, reason: 'invalid numwant' };
        const n = Number(v);
        numwant = n < 0 ? undefined : n;
        break;
      }
      case 'compact': compact = v !== '0'; break;
      case 'no_peer_id': noPeerId = v !== '0'; break;
      default: break;
    }
  }
  if (infoHash === undefined) return { ok: false, reason: 'missing info_hash' };
  if (peerId === undefined) return { ok: false, reason: 'missing peer_id' };
  if (port === undefined) return { ok: false, reason: 'missing port' };
  return { ok: true, value: { infoHash, peerId, port, uploaded, downloaded, left, event, numwant, compact, noPeerId } };
}

test('property: the one-pass announce parser agrees with decoding every pair first (values and reasons)', () => {
  const names = fc.constantFrom('info_hash', 'peer_id', 'port', 'uploaded', 'downloaded', 'left', 'event', 'numwant', 'compact', 'no_peer_id',
    'info%5Fhash', 'p%6Frt', 'key', 'ip', '', '%zz', 'x'.repeat(70), 'caf\u00e9', '__proto__', 'constructor');
  const values = fc.oneof(
    fc.constantFrom('', '0', '1', '-1', '-0', '00080', '65535', '65536', '6881', '%36%38%38%31', '%2536', '%30', '%3', '%', '%zz', 'started', 'stopped',
      'completed', 'paused', 'empty', 'bogus', 'constructor', '123456789', '1234567890', '12345678901234567890', '123456789012345678901',
      '9007199254740993', '99999999999999999999', '1e5', ' 1', '+1', 'a'.repeat(300), '%41'.repeat(257)),
    fc.uint8Array({ minLength: 19, maxLength: 21 }).map((b) => escapeBytes(b)),
    fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => escapeBytes(b)),
    fc.string({ maxLength: 12 }),
  );
  const pair = fc.oneof(
    fc.tuple(names, values).map(([k, v]) => `${k}=${v}`),
    names,
    fc.constantFrom('', '=', '==', 'a=b=c'),
  );
  const limits = fc.constantFrom(DEFAULT_QUERY_LIMITS, { maxParams: 3, maxValueBytes: 20, maxScrapeHashes: 1 });
  fc.assert(fc.property(fc.array(pair, { maxLength: 14 }), limits, (pairs, lim) => {
    const q = pairs.join('&');
    assert.deepEqual(parseAnnounce(q, lim), modelParseAnnounce(q, lim), q);
  }), { numRuns: 5000 });
  // Well-formed announces (the common case) agree too, including escaped digits and huge counts.
  fc.assert(fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ minLength: 20, maxLength: 20 }),
    fc.integer({ min: 1, max: 65535 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: -1, max: 999_999_999 }), fc.boolean(),
    (h, id, port, left, numwant, escape) => {
      const p = escape ? escapeBytes(Buffer.from(String(port))) : String(port);
      const q = `info_hash=${escapeBytes(h)}&peer_id=${escapeBytes(id)}&port=${p}&uploaded=0&downloaded=7&left=${left}&numwant=${numwant}&compact=1&event=started`;
      const r = parseAnnounce(q);
      assert.deepEqual(r, modelParseAnnounce(q));
      assert.ok(r.ok);
    }));
});
