// Interop: our tracker clients and Announcer against Debian's opentracker (HTTP and UDP, IPv4).
// opentracker serves whitelisted info-hashes only and chroots into -d (../../../../shared/REFERENCE-PEERS.md).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { requireTools } from '../../test-support/reference-tools.ts';
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

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

interface Running { port: number; proc: ChildProcess; stop: () => Promise<void> }

/** Start opentracker on a random port in 20000–60000, retrying when the port is taken. */
async function startOpentracker(dir: string): Promise<Running> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const proc = spawn('opentracker', ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-d', dir, '-w', '/whitelist.txt'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let exited = false;
    proc.once('exit', () => { exited = true; });
    const end = Date.now() + 5000;
    while (!exited && Date.now() < end && !(await canConnect(port))) await new Promise((r) => setTimeout(r, 50));
    if (!exited && (await canConnect(port))) {
      return {
        port, proc,
        stop: () => new Promise<void>((resolve) => {
          if (exited) { resolve(); return; }
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
          setTimeout(() => { if (!exited) proc.kill('SIGKILL'); }, 2000).unref();
        }),
      };
    }
    if (!exited) proc.kill('SIGKILL');
  }
  throw new Error('could not start opentracker on any port');
}

async function withOpentracker(t: TestContext, fn: (port: number, infoHash: Uint8Array) => Promise<void>): Promise<void> {
  if (!requireTools(t, 'opentracker')) return;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tessera-opentracker-'));
  const infoHash = rand(20);
  await writeFile(path.join(dir, 'whitelist.txt'), `${toHex(infoHash)}\n`, { mode: 0o644 });
  // opentracker drops root after chroot: mkdtemp's 0700 would hide the whitelist from it.
  await chmod(dir, 0o755);
  const ot = await startOpentracker(dir);
  try {
    await fn(ot.port, infoHash);
  } finally {
    await ot.stop();
    await rm(dir, { recursive: true, force: true });
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
