// Interop: our tracker clients and Announcer against Debian's opentracker (HTTP and UDP, IPv4).
// opentracker serves whitelisted info-hashes only and chroots into -d (../../../../shared/REFERENCE-PEERS.md).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { requireTools } from '../../test-support/reference-tools.ts';
import { startOpentracker } from '../../test-support/opentracker.ts';
import { TesseraError } from '../errors.ts';
import { Announcer } from './announcer.ts';
import { HttpTracker } from './http-tracker.ts';
import { UdpTracker } from './udp-tracker.ts';
import { toHex } from './tracker-codec.ts';
import type { PeerAddress } from '../wire/compact.ts';

const rand = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const peerId = (): Uint8Array => { const id = rand(20); id.set(new TextEncoder().encode('-TS0100-')); return id; };

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function withOpentracker(t: TestContext, fn: (port: number, infoHash: Uint8Array) => Promise<void>): Promise<void> {
  if (!requireTools(t, 'opentracker')) return;
  const infoHash = rand(20);
  const ot = await startOpentracker([toHex(infoHash)]);
  try {
    await fn(ot.port, infoHash);
  } finally {
    await ot.stop();
  }
}

for (const scheme of ['http', 'udp'] as const) {
  test(`opentracker ${scheme}: two announcers see each other`, async (t) => {
    await withOpentracker(t, async (port, infoHash) => {
      const url = scheme === 'http' ? `http://127.0.0.1:${port}/announce` : `udp://127.0.0.1:${port}`;
      const opts = { udp: { baseTimeoutMs: 500, maxRetries: 3 }, stopTimeoutMs: 2000 };
      const seenBy = (a: Announcer): PeerAddress[] => { const got: PeerAddress[] = []; a.on('peers', (p) => got.push(...p)); return got; };
      const a = new Announcer({ infoHash, peerId: peerId(), port: 41001, tiers: [[url]] }, () => ({ uploaded: 0, downloaded: 0, left: 0 }), opts);
      const b = new Announcer({ infoHash, peerId: peerId(), port: 41002, tiers: [[url]] }, () => ({ uploaded: 0, downloaded: 0, left: 100 }), opts);
      const gotA = seenBy(a);
      const gotB = seenBy(b);
      try {
        a.start();
        await until(() => a.trackers()[0]?.status === 'working', 'A working');
        b.start();
        await until(() => gotB.some((p) => p.port === 41001), 'B sees A');
        // A learns of B on its next announce: stop (tracker drops A) and start again.
        await a.stop();
        a.start();
        await until(() => gotA.some((p) => p.port === 41002), 'A sees B');
        assert.ok(gotB.every((p) => p.ip === '127.0.0.1'));
        const s = b.trackers()[0];
        assert.equal(s?.status, 'working');
        assert.ok((s?.seeders ?? 0) >= 1, 'A (left=0) counted as a seeder');
        await a.stop();
        await b.stop();
      } finally {
        a.close();
        b.close();
      }
    });
  });

  test(`opentracker ${scheme}: scrape and a non-whitelisted hash`, async (t) => {
    await withOpentracker(t, async (port, infoHash) => {
      const client = scheme === 'http' ? new HttpTracker(`http://127.0.0.1:${port}/announce`, { timeoutMs: 5000 })
        : new UdpTracker(`udp://127.0.0.1:${port}`, { baseTimeoutMs: 500, maxRetries: 3 });
      try {
        const p = { infoHash, peerId: peerId(), port: 41003, uploaded: 0, downloaded: 0, left: 5, event: 'started' as const };
        const r = await client.announce(p);
        assert.ok(r.interval > 0);
        const sc = await client.scrape([infoHash]);
        assert.equal(sc.get(toHex(infoHash))?.incomplete, 1);
        await assert.rejects(client.announce({ ...p, infoHash: rand(20) }), (e: unknown) => e instanceof TesseraError && e.code === 'TRACKER_FAILURE' && e.message.length > 0);
        await client.announce({ ...p, event: 'stopped' });
      } finally {
        client.close();
      }
    });
  });
}
