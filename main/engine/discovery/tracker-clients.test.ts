// The HTTP and UDP tracker clients against tiny in-test servers on port 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { bencode } from '../bencode/encode.ts';
import { TesseraError } from '../errors.ts';
import { HttpTracker } from './http-tracker.ts';
import { UdpTracker } from './udp-tracker.ts';
import { toHex, type AnnounceParams } from './tracker-codec.ts';

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => 255 - i);
const peerId = new TextEncoder().encode('-TS0100-%&?=+ 123456');
const params: AnnounceParams = { infoHash, peerId, port: 51413, uploaded: 10, downloaded: 20, left: 30, event: 'started' };

/** Decode a raw query string into name → raw bytes (repeated names keep every value). */
function rawQuery(url: string): Map<string, Uint8Array[]> {
  const out = new Map<string, Uint8Array[]>();
  const q = url.slice(url.indexOf('?') + 1);
  for (const part of q.split('&')) {
    const [k = '', v = ''] = part.split('=');
    const bytes: number[] = [];
    for (let i = 0; i < v.length; i++) {
      if (v[i] === '%') { bytes.push(parseInt(v.slice(i + 1, i + 3), 16)); i += 2; } else bytes.push(v.charCodeAt(i));
    }
    out.set(k, [...(out.get(k) ?? []), Uint8Array.from(bytes)]);
  }
  return out;
}

async function httpServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/announce`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

test('HTTP tracker: announce sends binary fields and parses the reply; scrape', async () => {
  const seen: string[] = [];
  const srv = await httpServer((req, res) => {
    const url = req.url ?? '';
    seen.push(url);
    const q = rawQuery(url);
    assert.deepEqual(q.get('info_hash')?.[0], infoHash);
    if (url.startsWith('/scrape')) {
      res.end(bencode({ files: new Map([[String.fromCharCode(...infoHash), { complete: 2, incomplete: 1, downloaded: 7 }]]) }));
      return;
    }
    assert.deepEqual(q.get('peer_id')?.[0], peerId);
    assert.equal(new TextDecoder().decode(q.get('event')?.[0]), 'started');
    res.end(bencode({ interval: 120, 'min interval': 30, complete: 1, incomplete: 2, peers: Uint8Array.of(127, 0, 0, 1, 0xc8, 0xd5), 'warning message': 'hello' }));
  });
  try {
    const t = new HttpTracker(srv.url);
    const r = await t.announce(params);
    assert.deepEqual(r, { interval: 120, minInterval: 30, complete: 1, incomplete: 2, warning: 'hello', peers: [{ ip: '127.0.0.1', port: 51413 }] });
    const s = await t.scrape([infoHash]);
    assert.deepEqual(s.get(toHex(infoHash)), { complete: 2, incomplete: 1, downloaded: 7 });
    assert.equal(seen.length, 2);
  } finally {
    await srv.close();
  }
});

test('HTTP tracker: failure reason, HTTP errors, oversized and slow replies', async () => {
  let mode = 'failure';
  const srv = await httpServer((req, res) => {
    if (mode === 'failure') { res.end(bencode({ 'failure reason': 'torrent not allowed' })); return; }
    if (mode === '404') { res.statusCode = 404; res.end('not here'); return; }
    if (mode === 'big') { res.write(new Uint8Array(600_000)); res.end(new Uint8Array(600_000)); return; }
    if (mode === 'slow') { setTimeout(() => res.end(bencode({ interval: 1 })), 2000).unref(); return; }
  });
  const code = async (p: Promise<unknown>): Promise<string> => {
    try { await p; return 'ok'; } catch (e) { assert.ok(e instanceof TesseraError, String(e)); return `${e.code}:${e.message}`; }
  };
  try {
    const t = new HttpTracker(srv.url, { timeoutMs: 300 });
    assert.equal(await code(t.announce(params)), 'TRACKER_FAILURE:torrent not allowed');
    mode = '404';
    assert.equal(await code(t.announce(params)), 'TRACKER_PROTOCOL:tracker answered HTTP 404');
    mode = 'big';
    assert.match(await code(t.announce(params)), /^TRACKER_PROTOCOL:tracker reply exceeds/);
    mode = 'slow';
    assert.equal(await code(t.announce(params)), 'TRACKER_PROTOCOL:tracker timed out');
    const ac = new AbortController();
    const p = t.announce(params, ac.signal);
    ac.abort();
    assert.match(await code(p), /^ABORTED:/);
  } finally {
    await srv.close();
  }
  const dead = new HttpTracker('http://127.0.0.1:1/announce', { timeoutMs: 2000 });
  await assert.rejects(dead.announce(params), (e: unknown) => e instanceof TesseraError && e.code === 'TRACKER_PROTOCOL');
});

interface UdpScript {
  /** Return false to drop the packet (simulate loss). */
  onPacket: (action: number, packet: Buffer) => Buffer | false;
}

async function udpServer(script: UdpScript): Promise<{ url: string; log: number[]; close: () => Promise<void> }> {
  const sock = dgram.createSocket('udp4');
  const log: number[] = [];
  sock.on('message', (msg, rinfo) => {
    const action = msg.readUInt32BE(8);
    log.push(action);
    const reply = script.onPacket(action, msg);
    if (reply !== false) sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const { port } = sock.address();
  return { url: `udp://127.0.0.1:${port}/announce`, log, close: () => new Promise((r) => sock.close(() => r())) };
}

function connectReply(msg: Buffer, connId: bigint): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(0, 0); b.writeUInt32BE(msg.readUInt32BE(12), 4); b.writeBigUInt64BE(connId, 8);
  return b;
}
function announceReply(msg: Buffer): Buffer {
  const b = Buffer.alloc(26);
  b.writeUInt32BE(1, 0); b.writeUInt32BE(msg.readUInt32BE(12), 4); b.writeUInt32BE(600, 8); b.writeUInt32BE(3, 12); b.writeUInt32BE(4, 16);
  b.set([127, 0, 0, 1, 0x1f, 0x90], 20);
  return b;
}
function errorReply(msg: Buffer, text: string): Buffer {
  const b = Buffer.alloc(8 + text.length);
  b.writeUInt32BE(3, 0); b.writeUInt32BE(msg.readUInt32BE(12), 4); b.write(text, 8);
  return b;
}

test('UDP tracker: connect, announce, connection id reuse and expiry, lost packet retry', async () => {
  let dropNextAnnounce = true;
  const connIds: bigint[] = [];
  const srv = await udpServer({
    onPacket: (action, msg) => {
      if (action === 0) {
        assert.equal(msg.readBigUInt64BE(0), 0x41727101980n);
        return connectReply(msg, 0xabcdef01n + BigInt(connIds.length));
      }
      connIds.push(msg.readBigUInt64BE(0));
      if (action === 1) {
        assert.equal(msg.length, 98);
        assert.deepEqual(new Uint8Array(msg.subarray(16, 36)), infoHash);
        if (dropNextAnnounce) { dropNextAnnounce = false; return false; }
        return announceReply(msg);
      }
      if (action === 2) {
        const b = Buffer.alloc(20);
        b.writeUInt32BE(2, 0); b.writeUInt32BE(msg.readUInt32BE(12), 4); b.writeUInt32BE(5, 8); b.writeUInt32BE(6, 12); b.writeUInt32BE(7, 16);
        return b;
      }
      return false;
    },
  });
  let clock = 1_000_000;
  const t = new UdpTracker(srv.url, { baseTimeoutMs: 50, maxRetries: 3, now: () => clock });
  try {
    const r = await t.announce(params);
    assert.deepEqual(r, { interval: 600, complete: 4, incomplete: 3, peers: [{ ip: '127.0.0.1', port: 8080 }] });
    assert.deepEqual(srv.log, [0, 1, 1], 'one connect, the lost announce, its retransmission');
    await t.announce({ ...params, event: 'none' });
    assert.deepEqual(srv.log, [0, 1, 1, 1], 'connection id reused within 60 s');
    clock += 61_000;
    const s = await t.scrape([infoHash]);
    assert.deepEqual(s.get(toHex(infoHash)), { complete: 5, downloaded: 6, incomplete: 7 });
    assert.deepEqual(srv.log, [0, 1, 1, 1, 0, 2], 'expired connection id: reconnect first');
    assert.equal(connIds.at(-1), 0xabcdef01n + 3n);
  } finally {
    t.close();
    await srv.close();
  }
});

test('UDP tracker: error action, forgotten connection id, no answer at all', async () => {
  let forget = false;
  const srv = await udpServer({
    onPacket: (action, msg) => {
      if (action === 0) return connectReply(msg, 42n);
      if (forget) { forget = false; return errorReply(msg, 'Connection ID missmatch.'); }
      return errorReply(msg, 'info hash not whitelisted');
    },
  });
  const t = new UdpTracker(srv.url, { baseTimeoutMs: 50, maxRetries: 2 });
  try {
    await assert.rejects(t.announce(params), (e: unknown) => e instanceof TesseraError && e.code === 'TRACKER_FAILURE' && e.message === 'info hash not whitelisted');
    assert.deepEqual(srv.log, [0, 1]);
    forget = true;
    await assert.rejects(t.announce(params), (e: unknown) => e instanceof TesseraError && e.message === 'info hash not whitelisted');
    assert.deepEqual(srv.log, [0, 1, 1, 0, 1], 'an error on a cached id reconnects once');
  } finally {
    t.close();
    await srv.close();
  }
  const silent = await udpServer({ onPacket: () => false });
  const s = new UdpTracker(silent.url, { baseTimeoutMs: 20, maxRetries: 2 });
  try {
    await assert.rejects(s.announce(params), (e: unknown) => e instanceof TesseraError && e.code === 'TRACKER_PROTOCOL');
    assert.deepEqual(silent.log, [0, 0, 0], 'base·2^n retransmissions up to the cap');
    const ac = new AbortController();
    const p = s.announce(params, ac.signal);
    ac.abort();
    await assert.rejects(p, (e: unknown) => e instanceof TesseraError && e.code === 'ABORTED');
  } finally {
    s.close();
    await silent.close();
  }
});

test('UDP tracker over IPv6 loopback', async (t) => {
  const sock = dgram.createSocket('udp6');
  try {
    await new Promise<void>((resolve, reject) => { sock.once('error', reject); sock.bind(0, '::1', resolve); });
  } catch {
    t.skip('no IPv6 loopback here');
    sock.close();
    return;
  }
  sock.on('message', (msg, rinfo) => {
    const action = msg.readUInt32BE(8);
    if (action === 0) { sock.send(connectReply(msg, 9n), rinfo.port, rinfo.address); return; }
    const b = Buffer.alloc(20 + 18);
    b.writeUInt32BE(1, 0); b.writeUInt32BE(msg.readUInt32BE(12), 4); b.writeUInt32BE(60, 8);
    b[35] = 1; b.writeUInt16BE(6881, 36);
    sock.send(b, rinfo.port, rinfo.address);
  });
  const c = new UdpTracker(`udp://[::1]:${sock.address().port}`, { baseTimeoutMs: 200, maxRetries: 2 });
  try {
    const r = await c.announce(params);
    assert.deepEqual(r.peers, [{ ip: '::1', port: 6881 }]);
  } finally {
    c.close();
    sock.close();
  }
});
