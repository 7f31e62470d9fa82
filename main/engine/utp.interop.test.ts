// uTP-only interop with python3-libtorrent 2.0.8 on loopback (libtorrent with TCP off both ways):
// Tessera downloads from a libtorrent seed (MSE forced on top of uTP), and a libtorrent leecher
// downloads from a Tessera seed (plaintext). Files compared byte for byte; the peer must be uTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from '../test-support/reference-tools.ts';
import { LtPeer } from '../test-support/lt-peer.ts';
import { diffFiles, makePayload, makeTorrent, waitUntil } from '../test-support/engine-fixtures.ts';
import { Session } from './session.ts';

const FILES = [
  { path: 'a.bin', size: 3 * 1024 * 1024 + 12345 },
  { path: 'sub/b.bin', size: 77 },
  { path: 'c.bin', size: 1024 * 1024 + 1 },
];

async function setup(): Promise<{ dir: string; src: string; torrent: string; bytes: Uint8Array }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-utp-lt-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const torrent = join(dir, 'x.torrent');
  const bytes = await makeTorrent(src, torrent, { log2Piece: 15 });
  return { dir, src, torrent, bytes };
}

test('Tessera downloads over uTP from a uTP-only libtorrent seed, RC4 forced', { timeout: 90_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, bytes } = await setup();
  const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 85, utp: true, enc: 'forced' });
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0, downloadDir: join(dir, 'dl'), encryption: 'prefer' } });
  try {
    const port = await lt.port();
    const s = await session.addTorrent(bytes, { peers: [{ host: '127.0.0.1', port }] });
    let completed = false;
    session.on('torrent:completed', () => { completed = true; });
    const seen = new Set<string>();
    await waitUntil(() => {
      for (const p of session.detail(s.id)?.peers ?? []) seen.add(`${p.transport}/${p.encryption}`);
      return completed;
    }, 75_000, 'download over uTP to complete', 20).catch((e: unknown) => {
      // What a stall looked like: how far it got and which connections it ever had.
      const sum = session.summaries().find((x) => x.id === s.id);
      throw new Error(`${e instanceof Error ? e.message : String(e)}; progress ${sum?.progress}, status ${sum?.status}, connections seen ${JSON.stringify([...seen])}`);
    });
    assert.deepEqual([...seen], ['utp/rc4']);
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
  } finally {
    await session.close();
    await lt.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a uTP-only libtorrent leecher downloads from a Tessera seed', { timeout: 90_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, bytes } = await setup();
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0, encryption: 'prefer' } });
  let lt: LtPeer | undefined;
  try {
    const s = await session.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => session.summaries()[0]?.status === 'seeding', 20_000, 'the seed to check its data');
    lt = new LtPeer({ mode: 'leech', torrent, save: join(dir, 'leech'), connect: [`127.0.0.1:${session.port}`], timeoutSec: 85, utp: true });
    const leech = lt;
    const seen = new Set<string>();
    await waitUntil(() => {
      for (const p of session.detail(s.id)?.peers ?? []) seen.add(p.transport ?? '?');
      return leech.events.some((e) => e.event === 'done');
    }, 75_000, 'libtorrent to finish over uTP', 20);
    assert.deepEqual([...seen], ['utp']);
    assert.deepEqual(await diffFiles(src, join(dir, 'leech', 'payload'), FILES.map((f) => f.path)), []);
  } finally {
    await lt?.close();
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
});
