// Session over uTP: a Tessera leecher dials a Tessera seed over uTP (MSE on top), both on port-0
// listeners where TCP and UDP share the number; and the TCP fallback when the seed has uTP off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from './metainfo/create-torrent.ts';
import { diffFiles, makePayload, waitUntil } from '../test-support/engine-fixtures.ts';
import { Session, type SessionSettings } from './session.ts';
import type { PeerSummary } from '../../shared/snapshot.ts';

const FILES = [{ path: 'a.bin', size: 1_500_000 }, { path: 'b.bin', size: 700_001 }];

async function run(seedSettings: Partial<SessionSettings>, leechSettings: Partial<SessionSettings>): Promise<PeerSummary[]> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-utp-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const { bytes } = await createTorrent(src, { pieceLength: 32768, creationDate: null });
  const seed = await Session.open({ stateDir: join(dir, 's'), listenHost: '127.0.0.1', settings: { listenPort: 0, ...seedSettings } });
  const leech = await Session.open({ stateDir: join(dir, 'l'), listenHost: '127.0.0.1', settings: { listenPort: 0, ...leechSettings } });
  try {
    const s = await seed.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => seed.summaries()[0]?.status === 'seeding', 20_000, 'the seed check');
    await leech.addTorrent(bytes, { savePath: join(dir, 'dl'), peers: [{ host: '127.0.0.1', port: seed.port }] });
    let peers: PeerSummary[] = [];
    await waitUntil(() => { const p = leech.detail(s.id)?.peers ?? []; if (p.length > 0) peers = p; return peers.length > 0; }, 20_000, 'a connected peer');
    await waitUntil(() => leech.summaries()[0]?.status === 'seeding', 60_000, 'the leecher to finish');
    assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
    return peers;
  } finally {
    await leech.close();
    await seed.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('uTP between two sessions, MSE on top: intact download, peer shown as utp + rc4', { timeout: 90_000 }, async () => {
  const peers = await run({ encryption: 'require' }, { encryption: 'require' });
  assert.equal(peers[0]?.transport, 'utp');
  assert.equal(peers[0]?.encryption, 'rc4');
});

test('uTP plaintext both ways', { timeout: 90_000 }, async () => {
  const peers = await run({ encryption: 'plaintext' }, { encryption: 'plaintext' });
  assert.equal(peers[0]?.transport, 'utp');
  assert.equal(peers[0]?.encryption, 'plaintext');
});

test('a seed with uTP off: the leecher falls back to TCP', { timeout: 90_000 }, async () => {
  const peers = await run({ utp: false, encryption: 'plaintext' }, { encryption: 'plaintext' });
  assert.equal(peers[0]?.transport, 'tcp');
});
