// Protocol tests of the UDP tracker (BEP 15) over real sockets, IPv4 and IPv6, on port 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTracker } from './index.ts';
import { UdpClient, udpAnnouncePacket, udpConnectPacket, udpScrapePacket } from './testing.ts';

const H = Buffer.alloc(20, 0x42);
const id = (s: string): Buffer => Buffer.from(s.padEnd(20, '-'));

async function connect(c: UdpClient, tid = 1): Promise<Buffer> {
  const r = await c.send(udpConnectPacket(tid));
  assert.ok(r, 'connect: no reply');
  assert.equal(r.length, 16);
  assert.equal(r.readUInt32BE(0), 0);
  assert.equal(r.readUInt32BE(4), tid);
  return r.subarray(8, 16);
}

function errorText(r: Buffer | undefined): string {
  assert.ok(r, 'no reply');
  assert.equal(r.readUInt32BE(0), 3, `expected an error packet, got action ${r.readUInt32BE(0)}`);
  return r.subarray(8).toString('utf8');
}

for (const host of ['127.0.0.1', '::1']) {
  const entry = host === '::1' ? 18 : 6;
  test(`UDP over ${host}: connect, announce, scrape`, async () => {
    const t = await startTracker({ udp: { host, port: 0 }, interval: 90 });
    const port = Number(new URL(t.udpUrl ?? '').port);
    const clients = await Promise.all([0, 1, 2].map(() => UdpClient.open(host, port)));
    try {
      assert.match(t.udpUrl ?? '', host === '::1' ? /^udp:\/\/\[::1\]:\d+\/announce$/ : /^udp:\/\/127\.0\.0\.1:\d+\/announce$/);
      const [a, b, s] = clients as [UdpClient, UdpClient, UdpClient];
      const cid = await connect(a, 7);
      const cidB = await connect(b);
      assert.deepEqual(cid, cidB, 'same address, same id (no per-client state)');
      let r = await a.send(udpAnnouncePacket({ connectionId: cid, tid: 11, infoHash: H, peerId: id('a'), left: 5, event: 2, port: 4001 }));
      assert.ok(r);
      assert.equal(r.readUInt32BE(0), 1);
      assert.equal(r.readUInt32BE(4), 11);
      assert.equal(r.readUInt32BE(8), 90);
      assert.equal(r.length, 20, 'alone: no peers');
      await b.send(udpAnnouncePacket({ connectionId: cid, tid: 12, infoHash: H, peerId: id('b'), left: 5, port: 4002 }));
      await s.send(udpAnnouncePacket({ connectionId: cid, tid: 13, infoHash: H, peerId: id('s'), left: 0, event: 1, port: 4003 }));
      r = await b.send(udpAnnouncePacket({ connectionId: cid, tid: 14, infoHash: H, peerId: id('b'), left: 5, port: 4002 }));
      assert.ok(r);
      assert.equal(r.readUInt32BE(12), 2, 'leechers');
      assert.equal(r.readUInt32BE(16), 1, 'seeders');
      assert.equal(r.length, 20 + 2 * entry);
      const ports = [r.readUInt16BE(20 + entry - 2), r.readUInt16BE(20 + 2 * entry - 2)].sort();
      assert.deepEqual(ports, [4001, 4003]);
      // The seeder is sent only the two leechers.
      r = await s.send(udpAnnouncePacket({ connectionId: cid, tid: 15, infoHash: H, peerId: id('s'), left: 0, port: 4003, numwant: 10 }));
      assert.equal(r?.length, 20 + 2 * entry);
      r = await b.send(udpAnnouncePacket({ connectionId: cid, tid: 16, infoHash: H, peerId: id('b'), left: 5, port: 4002, numwant: 1 }));
      assert.equal(r?.length, 20 + entry);
      // Scrape two hashes, one unknown.
      r = await a.send(udpScrapePacket(cid, 17, [H, Buffer.alloc(20, 9)]));
      assert.ok(r);
      assert.equal(r.readUInt32BE(0), 2);
      assert.equal(r.readUInt32BE(4), 17);
      assert.deepEqual([r.readUInt32BE(8), r.readUInt32BE(12), r.readUInt32BE(16)], [1, 1, 2]);
      assert.deepEqual([r.readUInt32BE(20), r.readUInt32BE(24), r.readUInt32BE(28)], [0, 0, 0]);
      // Stopped leaves the swarm.
      await a.send(udpAnnouncePacket({ connectionId: cid, tid: 18, infoHash: H, peerId: id('a'), left: 5, event: 3, port: 4001 }));
      r = await a.send(udpScrapePacket(cid, 19, [H]));
      assert.equal(r?.readUInt32BE(16), 1);
    } finally {
      for (const c of clients) c.close();
      await t.close();
    }
  });

  test(`UDP over ${host}: errors`, async () => {
    const t = await startTracker({ udp: { host, port: 0 }, allowlist: new Set([H.toString('latin1')]) });
    const port = Number(new URL(t.udpUrl ?? '').port);
    const c = await UdpClient.open(host, port);
    try {
      const cid = await connect(c);
      const forged = Buffer.from(cid);
      forged[0] = (forged[0] ?? 0) ^ 1;
      assert.match(errorText(await c.send(udpAnnouncePacket({ connectionId: forged, tid: 2, infoHash: H, peerId: id('x'), port: 1 }))), /connection id/);
      assert.match(errorText(await c.send(udpScrapePacket(forged, 3, [H]))), /connection id/);
      assert.match(errorText(await c.send(udpAnnouncePacket({ connectionId: cid, tid: 4, infoHash: Buffer.alloc(20, 1), peerId: id('x'), port: 1 }))), /not allowed/);
      const badEvent = udpAnnouncePacket({ connectionId: cid, tid: 5, infoHash: H, peerId: id('x'), port: 1 });
      badEvent.writeUInt32BE(9, 80);
      assert.match(errorText(await c.send(badEvent)), /event/);
      const short = udpAnnouncePacket({ connectionId: cid, tid: 6, infoHash: H, peerId: id('x'), port: 1 }).subarray(0, 60);
      assert.match(errorText(await c.send(short)), /shorter/);
      const unknown = udpConnectPacket(7);
      unknown.writeUInt32BE(42, 8);
      assert.match(errorText(await c.send(unknown)), /unknown action/);
      const badConnect = udpConnectPacket(8);
      badConnect[0] = 0xff;
      assert.match(errorText(await c.send(badConnect)), /protocol id/);
      assert.equal(await c.send(Buffer.alloc(10), 300), undefined, 'runt packets get no reply');
      // Still serving after all that.
      assert.equal((await connect(c, 9)).length, 8);
      const st = t.tracker.statsJson();
      assert.ok(st.errors !== undefined && st.errors >= 8);
    } finally {
      c.close();
      await t.close();
    }
  });
}

test('UDP and HTTP share one swarm store', async () => {
  const t = await startTracker({ udp: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 } });
  const c = await UdpClient.open('127.0.0.1', Number(new URL(t.udpUrl ?? '').port));
  try {
    const cid = await connect(c);
    await c.send(udpAnnouncePacket({ connectionId: cid, tid: 2, infoHash: H, peerId: id('u'), left: 0, port: 7001 }));
    assert.deepEqual(t.tracker.scrape([H.toString('latin1')])[0], { infoHash: H.toString('latin1'), complete: 1, incomplete: 0, downloaded: 0 });
  } finally {
    c.close();
    await t.close();
  }
});
