// fetchBytes against hostile or sloppy servers: never more bytes than asked, a Range ignored at a
// non-zero offset is refused, a short body is an error, redirects are followed a bounded number of times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchBytes, HttpSeedBusy } from './http-fetch.ts';
import { isTesseraError } from '../errors.ts';

const DATA = Buffer.from(Array.from({ length: 5000 }, (_, i) => i & 0xff));

async function withServer(handler: http.RequestListener, fn: (base: string) => Promise<void>): Promise<void> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

test('a correct 206 is read exactly; a 200 for a range at 0 is cut to the asked length', async () => {
  await withServer((req, res) => {
    if (req.url === '/full') { res.writeHead(200).end(DATA); return; }
    res.writeHead(206, { 'content-range': 'bytes 100-199/5000' }).end(DATA.subarray(100, 200));
  }, async (base) => {
    assert.deepEqual(Buffer.from(await fetchBytes(`${base}/r`, { range: { start: 100, length: 100 }, length: 100 })), DATA.subarray(100, 200));
    assert.deepEqual(Buffer.from(await fetchBytes(`${base}/full`, { range: { start: 0, length: 300 }, length: 300 })), DATA.subarray(0, 300));
  });
});

test('hostile answers are errors, never over-reads', async () => {
  await withServer((req, res) => {
    switch (req.url) {
      case '/ignores-range': res.writeHead(200).end(DATA); return;
      case '/too-much': res.writeHead(206, { 'content-range': 'bytes 10-19/5000' }).end(DATA.subarray(0, 4000)); return;
      case '/wrong-range': res.writeHead(206, { 'content-range': 'bytes 0-9/5000' }).end(DATA.subarray(0, 10)); return;
      case '/short': res.writeHead(200, { 'content-length': 5 }).end(DATA.subarray(0, 5)); return;
      case '/busy': res.writeHead(503).end('7'); return;
      case '/loop': res.writeHead(302, { location: '/loop' }).end(); return;
      case '/moved': res.writeHead(301, { location: '/short' }).end(); return;
      default: res.writeHead(404).end();
    }
  }, async (base) => {
    const bad = async (path: string, o: Parameters<typeof fetchBytes>[1]): Promise<void> => {
      await assert.rejects(fetchBytes(`${base}${path}`, o), (e: unknown) => isTesseraError(e), path);
    };
    await bad('/ignores-range', { range: { start: 10, length: 10 }, length: 10 });
    await bad('/too-much', { range: { start: 10, length: 10 }, length: 10 });
    await bad('/wrong-range', { range: { start: 10, length: 10 }, length: 10 });
    await bad('/short', { length: 10 });
    await bad('/loop', { length: 10 });
    await bad('/moved', { length: 10 });
    await bad('/nothing', { length: 10 });
    await assert.rejects(fetchBytes(`${base}/busy`, { length: 10 }), (e: unknown) => e instanceof HttpSeedBusy && e.retryAfterSec === 7);
    await bad('/too-much', { length: 10 }); // BEP 17 style (no Range): 206 is not an answer
    await bad('/ignores-range', { length: 10 }); // BEP 17: a body longer than the piece is cut off, not read
  });
});
