// Protocol tests of the HTTP tracker over real sockets, IPv4 and IPv6, on port 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTracker, createTrackerHandler } from './index.ts';
import { bdecode, escapeBytes, httpGet, text } from './testing.ts';

const HASH = Buffer.alloc(20, 0x11);

function announceUrl(base: string, o: { hash?: Buffer; id?: string; port: number; left?: number; extra?: string }): string {
  const id = Buffer.from((o.id ?? 'peer').padEnd(20, '-'));
  return `${base}?info_hash=${escapeBytes(o.hash ?? HASH)}&peer_id=${escapeBytes(id)}&port=${o.port}&uploaded=0&downloaded=0&left=${o.left ?? 100}${o.extra ?? ''}`;
}

async function announce(url: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const r = await httpGet(url, { headers });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/plain');
  return bdecode(r.body);
}

for (const httpServer of ['fast', 'node'] as const) {
  test(`HTTP over IPv4: compact replies, intervals, counts, no self, seeders get leechers (${httpServer} server)`, async () => {
    const t = await startTracker({ httpServer, http: { host: '127.0.0.1', port: 0 }, interval: 120, minInterval: 30 });
    try {
      const url = t.httpUrl ?? '';
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/announce$/);
      const a = await announce(announceUrl(url, { id: 'a', port: 1001, extra: '&event=started' }));
      assert.equal(a.interval, 120);
      assert.equal(a['min interval'], 30);
      assert.equal((a.peers as Uint8Array).length, 0, 'alone in the swarm: no peers, not even itself');
      await announce(announceUrl(url, { id: 'b', port: 1002 }));
      await announce(announceUrl(url, { id: 's', port: 1003, left: 0 }));
      const b = await announce(announceUrl(url, { id: 'b', port: 1002 }));
      assert.equal(b.complete, 1);
      assert.equal(b.incomplete, 2);
      const peers = Buffer.from(b.peers as Uint8Array);
      assert.equal(peers.length, 12);
      const ports = [peers.readUInt16BE(4), peers.readUInt16BE(10)].sort();
      assert.deepEqual(ports, [1001, 1003]);
      assert.equal(peers.subarray(0, 4).toString('hex'), '7f000001');
      const s = await announce(announceUrl(url, { id: 's', port: 1003, left: 0 }));
      assert.equal(Buffer.from(s.peers as Uint8Array).length, 12, 'the seeder gets the 2 leechers');
      const one = await announce(announceUrl(url, { id: 'b', port: 1002, extra: '&numwant=1' }));
      assert.equal(Buffer.from(one.peers as Uint8Array).length, 6);
    } finally {
      await t.close();
    }
  });

  test(`HTTP: non-compact lists with and without peer ids (${httpServer} server)`, async () => {
    const t = await startTracker({ httpServer, http: { host: '127.0.0.1', port: 0 } });
    try {
      const url = t.httpUrl ?? '';
      await announce(announceUrl(url, { id: 'x', port: 2001 }));
      const d = await announce(announceUrl(url, { id: 'y', port: 2002, extra: '&compact=0' }));
      const list = d.peers as Array<Record<string, unknown>>;
      assert.equal(list.length, 1);
      assert.equal(text(list[0]?.ip), '127.0.0.1');
      assert.equal(list[0]?.port, 2001);
      assert.equal(text(list[0]?.['peer id']), 'x'.padEnd(20, '-'));
      const n = await announce(announceUrl(url, { id: 'y', port: 2002, extra: '&compact=0&no_peer_id=1' }));
      assert.equal((n.peers as Array<Record<string, unknown>>)[0]?.['peer id'], undefined);
    } finally {
      await t.close();
    }
  });

  test(`HTTP over IPv6: peers6 for IPv6 peers (${httpServer} server)`, async () => {
    const t = await startTracker({ httpServer, http: { host: '::1', port: 0 } });
    try {
      const url = t.httpUrl ?? '';
      assert.match(url, /^http:\/\/\[::1\]:\d+\/announce$/);
      await announce(announceUrl(url, { id: 'v6a', port: 3001 }));
      const r = await announce(announceUrl(url, { id: 'v6b', port: 3002 }));
      const p6 = Buffer.from(r.peers6 as Uint8Array);
      assert.equal(p6.length, 18);
      assert.equal(p6.subarray(0, 16).toString('hex'), '00000000000000000000000000000001');
      assert.equal(p6.readUInt16BE(16), 3001);
      assert.equal((r.peers as Uint8Array).length, 0);
      const d = await announce(announceUrl(url, { id: 'v6b', port: 3002, extra: '&compact=0' }));
      assert.equal(text((d.peers as Array<Record<string, unknown>>)[0]?.ip), '::1');
    } finally {
      await t.close();
    }
  });

  test(`HTTP: every bad request gets HTTP 200 and a failure reason (${httpServer} server)`, async () => {
    const t = await startTracker({ httpServer, http: { host: '127.0.0.1', port: 0 }, maxUrlBytes: 2048 });
    try {
      const url = t.httpUrl ?? '';
      const good = announceUrl(url, { port: 1 });
      const cases: Array<[string, RegExp, { method?: string; body?: string }?]> = [
        [`${url}`, /missing info_hash/],
        [`${url}?info_hash=short&peer_id=${'a'.repeat(20)}&port=1`, /info_hash/],
        [`${url}?info_hash=${escapeBytes(HASH)}&peer_id=short&port=1`, /peer_id/],
        [good.replace('port=1', 'port=99999'), /invalid port/],
        [`${good}&event=exploded`, /invalid event/],
        [`${good}&pad=${'a'.repeat(3000)}`, /request too large/],
        [`${good}&x=%G0`, /malformed/],
        [good, /GET/, { method: 'POST', body: 'x' }],
        [url.replace('announce', 'scrape'), /at least one info_hash/],
      ];
      for (const [u, re, opts] of cases) {
        const r = await httpGet(u, opts ?? {});
        assert.equal(r.status, 200, u);
        const d = bdecode(r.body);
        assert.match(text(d['failure reason']), re, u);
      }
      const st = await httpGet(url.replace('announce', 'stats'));
      assert.ok((JSON.parse(st.body.toString()) as { errors: number }).errors >= cases.length);
    } finally {
      await t.close();
    }
  });

  test(`HTTP scrape (BEP 48): many info-hashes, complete/incomplete/downloaded (${httpServer} server)`, async () => {
    const t = await startTracker({ httpServer, http: { host: '127.0.0.1', port: 0 } });
    try {
      const url = t.httpUrl ?? '';
      const h2 = Buffer.alloc(20, 0xf0);
      await announce(announceUrl(url, { id: 'l', port: 1 }));
      await announce(announceUrl(url, { id: 's', port: 2, left: 0, extra: '&event=completed' }));
      await announce(announceUrl(url, { id: 'q', port: 3, hash: h2 }));
      const r = await httpGet(`${url.replace('announce', 'scrape')}?info_hash=${escapeBytes(HASH)}&info_hash=${escapeBytes(h2)}&info_hash=${escapeBytes(Buffer.alloc(20, 0x80))}`);
      const files = bdecode(r.body).files as Record<string, Record<string, number>>;
      // The bencode package decodes keys as UTF-8 text; compare via the counts per known hash order.
      const rows = Object.values(files);
      assert.equal(rows.length, 3);
      const raw = r.body.toString('latin1');
      assert.ok(raw.startsWith('d5:filesd20:'));
      assert.ok(raw.includes(`20:${HASH.toString('latin1')}d8:completei1e10:downloadedi1e10:incompletei1ee`));
      assert.ok(raw.includes(`20:${h2.toString('latin1')}d8:completei0e10:downloadedi0e10:incompletei1ee`));
      assert.ok(raw.includes(`20:${Buffer.alloc(20, 0x80).toString('latin1')}d8:completei0e10:downloadedi0e10:incompletei0ee`));
    } finally {
      await t.close();
    }
  });

  test(`HTTP: allowlist refuses other torrents; stats in JSON and Prometheus (${httpServer} server)`, async () => {
    const t = await startTracker({ httpServer, http: { host: '127.0.0.1', port: 0 }, allowlist: new Set([HASH.toString('latin1')]) });
    try {
      const url = t.httpUrl ?? '';
      const ok = await announce(announceUrl(url, { port: 1 }));
      assert.equal(ok['failure reason'], undefined);
      const no = await announce(announceUrl(url, { port: 1, hash: Buffer.alloc(20, 2) }));
      assert.match(text(no['failure reason']), /not allowed/);
      const j = JSON.parse((await httpGet(url.replace('announce', 'stats'))).body.toString()) as Record<string, number>;
      assert.equal(j.torrents, 1);
      assert.equal(j.peers, 1);
      assert.equal(j.announces, 1);
      assert.equal(j.errors, 1);
      assert.equal(typeof j.announcesPerSecond, 'number');
      const p = (await httpGet(url.replace('announce', 'metrics'))).body.toString();
      assert.match(p, /^tessera_tracker_peers 1$/m);
      const p2 = (await httpGet(`${url.replace('announce', 'stats')}?format=prometheus`)).body.toString();
      assert.match(p2, /^tessera_tracker_torrents 1$/m);
    } finally {
      await t.close();
    }
  });

  test(`X-Forwarded-For is believed only from trusted proxies (${httpServer} server)`, async () => {
    for (const trust of [[], ['127.0.0.0/8']]) {
      const t = await startTracker({ httpServer, http: { host: '127.0.0.1', port: 0 }, trustProxy: trust });
      try {
        const url = t.httpUrl ?? '';
        await announce(announceUrl(url, { id: 'a', port: 5000 }), { 'X-Forwarded-For': '203.0.113.9, 127.0.0.5' });
        const r = await announce(announceUrl(url, { id: 'b', port: 5001, extra: '&compact=0' }));
        const ip = text((r.peers as Array<Record<string, unknown>>)[0]?.ip);
        assert.equal(ip, trust.length ? '203.0.113.9' : '127.0.0.1');
      } finally {
        await t.close();
      }
    }
  });
}

test('mountable: under any path in a plain node:http server, with a fall-through', async () => {
  const handler = createTrackerHandler({ interval: 60 });
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/bt/')) handler(req, res, () => { res.writeHead(418); res.end('teapot'); });
    else { res.writeHead(200); res.end('app'); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const base = `http://127.0.0.1:${port}/bt/tracker`;
    const a = await announce(announceUrl(`${base}/announce.php`, { port: 9 }));
    assert.equal(a.interval, 60);
    const s = await httpGet(`${base}/scrape.php?info_hash=${escapeBytes(HASH)}`);
    assert.ok(s.body.toString('latin1').includes('8:completei0e10:downloadedi0e10:incompletei1e'));
    assert.equal((await httpGet(`${base}/other`)).status, 418);
    assert.equal((await httpGet(`http://127.0.0.1:${port}/`)).body.toString(), 'app');
  } finally {
    handler.tracker.stop();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('allowlist file: loaded at start, reloaded on SIGHUP', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-allow-'));
  const file = join(dir, 'allow.txt');
  const other = Buffer.alloc(20, 0x77);
  await writeFile(file, `# test list\n${HASH.toString('hex')}\n`);
  const t = await startTracker({ http: { host: '127.0.0.1', port: 0 }, allowlistFile: file });
  try {
    const url = t.httpUrl ?? '';
    assert.equal((await announce(announceUrl(url, { port: 1 })))['failure reason'], undefined);
    assert.match(text((await announce(announceUrl(url, { port: 1, hash: other })))['failure reason']), /not allowed/);
    await writeFile(file, `${other.toString('hex')}\n`);
    process.kill(process.pid, 'SIGHUP');
    const end = Date.now() + 5000;
    let reply: Record<string, unknown> = {};
    while (Date.now() < end) {
      reply = await announce(announceUrl(url, { port: 1, hash: other }));
      if (reply['failure reason'] === undefined) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(reply['failure reason'], undefined, 'the reloaded list allows the new hash');
    assert.match(text((await announce(announceUrl(url, { port: 2 })))['failure reason']), /not allowed/);
  } finally {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
});
