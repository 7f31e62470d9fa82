// raceTransports: uTP first, TCP after the head start or on uTP failure, first connection wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { raceTransports } from './torrent-peers.ts';
import type { PeerSocket } from './transport/peer-socket.ts';

/** A dialer that connects after `ms` (or fails when `fail`), recording start, abort and destroy. */
function fake(ms: number, fail = false): { dial: (s: AbortSignal) => Promise<PeerSocket>; log: string[] } {
  const log: string[] = [];
  const dial = (signal: AbortSignal): Promise<PeerSocket> => new Promise((resolve, reject) => {
    log.push('start');
    const t = setTimeout(() => {
      if (fail) { reject(new Error('refused')); return; }
      const s = new PassThrough();
      s.on('close', () => log.push('destroyed'));
      resolve(s);
    }, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); log.push('aborted'); reject(new Error('aborted')); }, { once: true });
  });
  return { dial, log };
}

test('a peer that answers uTP within the head start gets uTP; TCP is never dialled', async () => {
  const u = fake(10);
  const t = fake(10);
  const won = await raceTransports(u.dial, t.dial, 200, new AbortController().signal);
  assert.equal(won.kind, 'utp');
  assert.deepEqual(t.log, []);
  won.socket.destroy();
});

test('a TCP-only peer: TCP joins after the head start and wins; the uTP attempt is aborted', async () => {
  const u = fake(5000);
  const t = fake(10);
  const t0 = Date.now();
  const won = await raceTransports(u.dial, t.dial, 50, new AbortController().signal);
  assert.equal(won.kind, 'tcp');
  assert.ok(Date.now() - t0 < 4000, 'did not wait for the uTP timeout');
  assert.deepEqual(u.log, ['start', 'aborted']);
  won.socket.destroy();
});

test('uTP failing at once starts TCP without waiting for the head start', async () => {
  const u = fake(1, true);
  const t = fake(1);
  const won = await raceTransports(u.dial, t.dial, 60_000, new AbortController().signal);
  assert.equal(won.kind, 'tcp');
});

test('both failing rejects; an outer abort cancels both attempts', async () => {
  await assert.rejects(raceTransports(fake(1, true).dial, fake(1, true).dial, 5, new AbortController().signal), /refused/);
  const outer = new AbortController();
  const u = fake(5000);
  const t = fake(5000);
  const p = raceTransports(u.dial, t.dial, 1, outer.signal);
  await new Promise((r) => setTimeout(r, 20));
  outer.abort();
  await assert.rejects(p, /aborted/);
  assert.deepEqual(u.log, ['start', 'aborted']);
  assert.deepEqual(t.log, ['start', 'aborted']);
});

test('when both connect, the loser is destroyed', async () => {
  const u = fake(30);
  const t = fake(30);
  // TCP starts at 0 ms too (head start 0): both resolve at ~30 ms; whichever is second is destroyed.
  const won = await raceTransports(u.dial, t.dial, 0, new AbortController().signal);
  await new Promise((r) => setTimeout(r, 60));
  const loser = won.kind === 'utp' ? t.log : u.log;
  assert.ok(loser.includes('destroyed') || loser.includes('aborted'), loser.join(','));
  won.socket.destroy();
});
