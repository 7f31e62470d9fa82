// Web seeds against a local node:http server, with no peers at all: BEP 19 single-file (URL is the
// file) and multi-file (URL ends in '/'), BEP 17 (a small ?info_hash=&piece=&ranges= handler), and a
// corrupt seed beside a good one (dropped after its first bad piece; the download still completes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from '../metainfo/create-torrent.ts';
import { parseTorrent } from '../metainfo/parse-torrent.ts';
import { bencode } from '../bencode/encode.ts';
import { diffFiles, makePayload, waitUntil } from '../../test-support/engine-fixtures.ts';
import { Session } from '../session.ts';
import { fileUrls, httpSeedUrl, mapRange } from './url-map.ts';

const MULTI = [{ path: 'a.bin', size: 600_000 }, { path: 'sub dir/b.bin', size: 250_001 }, { path: 'c.bin', size: 3 }];

/** Static files under `root` with single-range support; `corrupt` flips every byte served. */
async function serveFiles(root: string, corrupt = false, delayMs = 0): Promise<{ url: string; close: () => Promise<void>; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    void (async () => {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      let body: Buffer;
      try {
        body = await readFile(join(root, ...decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).split('/').filter(Boolean)));
      } catch { res.writeHead(404).end(); return; }
      if (corrupt) body = Buffer.from(body.map((b) => b ^ 0xff));
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (!m) { res.writeHead(200, { 'content-length': body.length }).end(body); return; }
      const a = Number(m[1]);
      const b = Math.min(Number(m[2]), body.length - 1);
      if (a > b) { res.writeHead(416).end(); return; }
      res.writeHead(206, { 'content-range': `bytes ${a}-${b}/${body.length}`, 'content-length': b - a + 1 }).end(body.subarray(a, b + 1));
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, hits: () => hits, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** A .torrent with `extra` top-level keys around the given info dict (bytes kept verbatim). */
function withKeys(torrent: Uint8Array, extra: Record<string, string[]>): Uint8Array {
  const info = parseTorrent(torrent).infoBytes;
  const parts: Uint8Array[] = [Buffer.from('d')];
  const keys = [...Object.keys(extra), 'info'].sort();
  for (const k of keys) parts.push(bencode(k), k === 'info' ? info : bencode(extra[k] as string[]));
  parts.push(Buffer.from('e'));
  return Buffer.concat(parts);
}

async function download(bytes: Uint8Array, dir: string): Promise<{ session: Session; id: string; warnings: string[] }> {
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  const warnings: string[] = [];
  session.on('torrent:warning', (_id, m) => warnings.push(m));
  const s = await session.addTorrent(bytes, { savePath: join(dir, 'dl') });
  return { session, id: s.id, warnings };
}

async function until(session: Session, id: string): Promise<void> {
  await waitUntil(() => session.summaries().find((x) => x.id === id)?.status === 'seeding', 40_000, 'the web seed download');
}

test('url mapping: single-file, multi-file (encoded), padding and BEP 17 URLs', () => {
  const files = [
    { path: ['a b'], length: 10, offset: 0, padding: false, attr: '' },
    { path: ['.pad', '6'], length: 6, offset: 10, padding: true, attr: 'p' },
    { path: ['c'], length: 4, offset: 16, padding: false, attr: '' },
  ];
  assert.deepEqual(fileUrls('http://h/x.iso', { name: 'n', multiFile: false, files: [] }), ['http://h/x.iso']);
  assert.deepEqual(fileUrls('http://h/d/', { name: 'n', multiFile: false, files: [] }), ['http://h/d/n']);
  const urls = fileUrls('http://h/d', { name: 'my dir', multiFile: true, files });
  assert.equal(urls[0], 'http://h/d/my%20dir/a%20b');
  assert.deepEqual(mapRange({ files }, urls, 8, 10), [
    { url: urls[0], fileOffset: 8, length: 2 }, { fileOffset: 0, length: 6 }, { url: urls[2], fileOffset: 0, length: 2 },
  ]);
  assert.equal(httpSeedUrl('http://h/s.php', new Uint8Array([0, 255]), 3, [{ begin: 0, end: 16384 }]), 'http://h/s.php?info_hash=%00%FF&piece=3&ranges=0-16383');
});

test('BEP 19: single-file and multi-file torrents with no peers download from a web seed', { timeout: 90_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-ws-'));
  const srv = await serveFiles(join(dir, 'www'));
  try {
    await makePayload(join(dir, 'www', 'payload'), MULTI);
    const multi = await createTorrent(join(dir, 'www', 'payload'), { pieceLength: 32768, creationDate: null, webSeeds: [srv.url] });
    const single = await createTorrent(join(dir, 'www', 'payload', 'a.bin'), { pieceLength: 16384, creationDate: null, webSeeds: [`${srv.url}payload/a.bin`] });
    for (const [bytes, sub] of [[multi.bytes, 'm'], [single.bytes, 's']] as const) {
      const { session, id } = await download(bytes, join(dir, sub));
      try {
        await until(session, id);
        const peers = session.detail(id)?.peers ?? [];
        assert.equal(peers[0]?.source, 'webseed');
        assert.ok((peers[0]?.downloaded ?? 0) > 0);
      } finally {
        await session.close();
      }
    }
    assert.deepEqual(await diffFiles(join(dir, 'www', 'payload'), join(dir, 'm', 'dl', 'payload'), MULTI.map((f) => f.path)), []);
    assert.deepEqual(await diffFiles(join(dir, 'www', 'payload'), join(dir, 's', 'dl'), ['a.bin']), []);
  } finally {
    await srv.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('BEP 17: a multi-file torrent downloads from an httpseeds handler', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-ws17-'));
  await makePayload(join(dir, 'src', 'payload'), MULTI);
  const { bytes: plain } = await createTorrent(join(dir, 'src', 'payload'), { pieceLength: 32768, creationDate: null });
  const meta = parseTorrent(plain);
  const stream = Buffer.concat(await Promise.all(meta.files.map((f) => readFile(join(dir, 'src', 'payload', ...f.path)))));
  assert.equal(stream.length, meta.totalLength, 'no padding in this layout');
  let busyOnce = true;
  const server = http.createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const piece = Number(q.get('piece'));
    // info_hash is raw bytes, percent-encoded: URLSearchParams would decode it as UTF-8, so read it by hand.
    const raw = /[?&]info_hash=([^&]*)/.exec(req.url ?? '')?.[1] ?? '';
    const ih = Buffer.from(raw.replace(/%([0-9a-f]{2})|(.)/gi, (_m, h: string | undefined, c: string | undefined) => (h !== undefined ? String.fromCharCode(parseInt(h, 16)) : c ?? '')), 'latin1');
    if (!ih.equals(Buffer.from(meta.infoHashV1 as Uint8Array))) { res.writeHead(404).end(); return; }
    if (busyOnce) { busyOnce = false; res.writeHead(503).end('1'); return; } // BEP 17: come back in 1 s
    const base = piece * meta.pieceLength;
    const pieceBytes = stream.subarray(base, Math.min(stream.length, base + meta.pieceLength));
    const ranges = q.get('ranges');
    const out = ranges === null ? pieceBytes : Buffer.concat(ranges.split(',').map((r) => {
      const [a, b] = r.split('-').map(Number) as [number, number];
      return pieceBytes.subarray(a, b + 1);
    }));
    res.writeHead(200, { 'content-length': out.length }).end(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/seed.php`;
  const { session, id, warnings } = await download(withKeys(plain, { httpseeds: [url] }), dir);
  try {
    await until(session, id);
    assert.deepEqual(await diffFiles(join(dir, 'src', 'payload'), join(dir, 'dl', 'payload'), MULTI.map((f) => f.path)), []);
    assert.ok(warnings.some((w) => w.includes('busy')), 'the 503 was honoured as a wait, not a drop');
  } finally {
    await session.close();
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a web seed serving corrupt data is dropped; a good one finishes the job', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-wsbad-'));
  const bad = await serveFiles(join(dir, 'www'), true);
  // The good seed answers slowly, so the corrupt seed's bytes are the first to reach the hash check
  // (otherwise the good seed's endgame copies could win every piece and the liar go unnoticed).
  const good = await serveFiles(join(dir, 'www'), false, 400);
  try {
    await makePayload(join(dir, 'www', 'payload'), MULTI);
    const { bytes } = await createTorrent(join(dir, 'www', 'payload'), { pieceLength: 32768, creationDate: null, webSeeds: [bad.url, good.url] });
    const { session, id, warnings } = await download(bytes, dir);
    try {
      await until(session, id);
      assert.ok(warnings.some((w) => w.includes(`dropped web seed ${bad.url}`)), warnings.join('\n'));
      const seeds = session.detail(id)?.peers.filter((p) => p.source === 'webseed').map((p) => p.id);
      assert.deepEqual(seeds, [good.url]);
      assert.deepEqual(await diffFiles(join(dir, 'www', 'payload'), join(dir, 'dl', 'payload'), MULTI.map((f) => f.path)), []);
    } finally {
      await session.close();
    }
  } finally {
    await bad.close();
    await good.close();
    await rm(dir, { recursive: true, force: true });
  }
});
