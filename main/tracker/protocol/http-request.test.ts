import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRequestHead } from './http-request.ts';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('request line and the headers a tracker reads', () => {
  const r = parseRequestHead(b('GET /announce?x=1 HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.2.3.4\r\nx-forwarded-for: 5.6.7.8\r\n\r\nGET /next'), 8192);
  assert.deepEqual(r, { kind: 'request', length: 91, method: 'GET', target: '/announce?x=1', keepAlive: true, forwardedFor: '1.2.3.4,5.6.7.8', hasBody: false });
  const c = parseRequestHead(b('GET / HTTP/1.1\r\nConnection: Close\r\n\r\n'), 8192);
  assert.ok(c.kind === 'request' && !c.keepAlive);
  const h10 = parseRequestHead(b('GET / HTTP/1.0\r\n\r\n'), 8192);
  assert.ok(h10.kind === 'request' && !h10.keepAlive);
  const ka10 = parseRequestHead(b('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'), 8192);
  assert.ok(ka10.kind === 'request' && ka10.keepAlive);
  const body = parseRequestHead(b('GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello'), 8192);
  assert.ok(body.kind === 'request' && body.hasBody);
  const te = parseRequestHead(b('GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n'), 8192);
  assert.ok(te.kind === 'request' && te.hasBody);
  const zero = parseRequestHead(b('GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n'), 8192);
  assert.ok(zero.kind === 'request' && !zero.hasBody);
});

test('incomplete, too large, malformed', () => {
  assert.deepEqual(parseRequestHead(b('GET / HTTP/1.1\r\nHost: a\r\n'), 8192), { kind: 'incomplete' });
  assert.equal((parseRequestHead(b(`GET /${'a'.repeat(9000)}`), 8192) as { status?: number }).status, 431);
  assert.equal((parseRequestHead(b(`GET /${'a'.repeat(9000)} HTTP/1.1\r\n\r\n`), 8192) as { status?: number }).status, 431);
  const bad = ['get / HTTP/1.1', 'GET  / HTTP/1.1', 'GET / HTTP/1.1 x', 'GET /a b HTTP/1.1', 'GET / FTP/1.0', 'GET / HTTP/1.1\r\nNoColon', 'GET / HTTP/1.1\r\n folded: x', 'GET / HTTP/1.1\r\nContent-Length: -1', 'GET / HTTP/1.1\r\nContent-Length: 1e3'];
  for (const s of bad) assert.equal(parseRequestHead(b(`${s}\r\n\r\n`), 8192).kind, 'invalid', s);
  assert.equal((parseRequestHead(b('GET / HTTP/2.0\r\n\r\n'), 8192) as { status?: number }).status, 505);
  const many = `GET / HTTP/1.1\r\n${'a: b\r\n'.repeat(101)}\r\n`;
  assert.equal((parseRequestHead(b(many), 8192) as { status?: number }).status, 431);
});

test('fuzz: never throws; a request never claims more bytes than it has', () => {
  const piece = fc.oneof(
    fc.constantFrom('GET ', 'POST ', '/announce?a=1', ' HTTP/1.1', ' HTTP/1.0', '\r\n', '\r\n\r\n', ':', 'Connection: close', 'Content-Length: 3', 'X-Forwarded-For: 1.2.3.4', '\n', ' '),
    fc.string({ maxLength: 20 }),
  );
  fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), fc.integer({ min: 16, max: 400 }), (parts, max) => {
    const buf = b(parts.join(''));
    const r = parseRequestHead(buf, max);
    if (r.kind === 'request') {
      assert.ok(r.length <= buf.length && r.length <= max);
      assert.ok(r.target.length > 0);
    }
  }), { numRuns: 3000 });
});
