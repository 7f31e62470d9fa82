// IPv6 on loopback (::1) against python3-libtorrent 2.0.8: Tessera leeches from a libtorrent seed
// listening on [::1] (MSE negotiated, libtorrent has it enabled), and a libtorrent leecher dials
// Tessera on [::1]. Files compared byte for byte; the peer list must show the IPv6 address.
// Plus: the default listener is dual-stack (one socket takes 127.0.0.1 and ::1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from '../test-support/reference-tools.ts';
import { LtPeer } from '../test-support/lt-peer.ts';
import { diffFiles, makePayload, makeTorrent, waitUntil } from '../test-support/engine-fixtures.ts';
import { Session } from './session.ts';

const FILES = [{ path: 'a.bin', size: 2 * 1024 * 1024 + 999 }, { path: 'b.bin', size: 65_537 }];

async function setup(): Promise<{ dir: string; src: string; torrent: string; bytes: Uint8Array }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-v6-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const torrent = join(dir, 'x.torrent');
  const bytes = await makeTorrent(src, torrent, { log2Piece: 15 });
  return { dir, src, torrent, bytes };
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => { s.destroy(); resolve(false); }, 3000);
    s.once('connect', () => { clearTimeout(t); s.destroy(); resolve(true); });
    s.once('error', () => { clearTimeout(t); resolve(false); });
  });
}

test('the default listener is dual-stack: 127.0.0.1 and ::1 both connect', { timeout: 20_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-v6-'));
  const session = await Session.open({ stateDir: join(dir, 'state'), settings: { listenPort: 0 } });
  try {
    assert.equal(session.listenHost, '::');
    assert.equal(await connects('127.0.0.1', session.port), true);
    assert.equal(await connects('::1', session.port), true);
  } finally {
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('Tessera downloads over IPv6 (::1) from a libtorrent seed', { timeout: 60_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, bytes } = await setup();
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 55, host: '::1', enc: 'enabled' });
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '::1', settings: { listenPort: 0, downloadDir: join(dir, 'dl') } });
  try {
    const port = await lt.port();
    const s = await session.addTorrent(bytes, { peers: [{ host: '::1', port }] });
    const ids = new Set<string>();
    const timer = setInterval(() => { for (const p of session.detail(s.id)?.peers ?? []) ids.add(`${p.id} ${p.encryption ?? ''}`); }, 10);
    try {
      await waitUntil(() => session.summaries()[0]?.status === 'seeding', 45_000, 'the IPv6 download');
    } finally { clearInterval(timer); }
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
    assert.ok([...ids].some((x) => x.startsWith(`[::1]:${port} `)), `peers seen: ${[...ids].join(', ')}`);
  } finally {
    await session.close();
    await lt.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('libtorrent downloads over IPv6 (::1) from a Tessera seed', { timeout: 60_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, bytes } = await setup();
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '::1', settings: { listenPort: 0 } });
  let lt: LtPeer | undefined;
  try {
    const s = await session.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => session.summaries()[0]?.status === 'seeding', 20_000, 'the seed to check its data');
    lt = new LtPeer({ mode: 'leech', torrent, save: join(dir, 'leech'), connect: [`::1:${session.port}`], timeoutSec: 55, host: '::1' });
    const ips = new Set<string>();
    const timer = setInterval(() => { for (const p of session.detail(s.id)?.peers ?? []) ips.add(p.ip); }, 10);
    try {
      await lt.waitFor((e) => e.event === 'done', 45_000);
    } finally { clearInterval(timer); }
    assert.deepEqual(await diffFiles(src, join(dir, 'leech', 'payload'), FILES.map((f) => f.path)), []);
    assert.ok(ips.has('::1'), `peer ips seen: ${[...ips].join(', ')}`);
  } finally {
    await lt?.close();
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
});
