// MSE/PE against python3-libtorrent 2.0.8 forced to encrypt (in/out_enc_policy forced,
// allowed_enc_level rc4): it refuses plaintext, so a finished transfer means the RC4 stream worked.
// Both directions, files compared byte for byte; the peer list must also report the RC4 stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from '../test-support/reference-tools.ts';
import { LtPeer } from '../test-support/lt-peer.ts';
import { diffFiles, makePayload, makeTorrent, waitUntil } from '../test-support/engine-fixtures.ts';
import { Session } from './session.ts';
import type { EncryptionPolicy } from './transport/peer-socket.ts';

const FILES = [
  { path: 'a.bin', size: 3 * 1024 * 1024 + 4321 },
  { path: 'sub/b.bin', size: 700_001 },
];

async function setup(): Promise<{ dir: string; src: string; torrent: string; bytes: Uint8Array }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-mse-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const torrent = join(dir, 'x.torrent');
  const bytes = await makeTorrent(src, torrent, { log2Piece: 15 });
  return { dir, src, torrent, bytes };
}

/** Watch the peer list while `until` is pending; resolve with every encryption value seen. */
function watchEncryption(session: Session, id: string, until: Promise<unknown>): Promise<Set<string>> {
  const seen = new Set<string>();
  const timer = setInterval(() => { for (const p of session.detail(id)?.peers ?? []) seen.add(p.encryption ?? 'unset'); }, 10);
  return until.then(() => seen, () => seen).finally(() => clearInterval(timer));
}

for (const policy of ['require', 'prefer'] as EncryptionPolicy[]) {
  test(`Tessera (${policy}) downloads from a libtorrent seed that forces RC4`, { timeout: 60_000 }, async (t) => {
    if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
    const { dir, src, torrent, bytes } = await setup();
    const lt = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 55, enc: 'forced' });
    const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1',
      settings: { listenPort: 0, downloadDir: join(dir, 'dl'), encryption: policy } });
    try {
      const port = await lt.port();
      const s = await session.addTorrent(bytes, { peers: [{ host: '127.0.0.1', port }] });
      const done = waitUntil(() => session.summaries()[0]?.status === 'seeding', 45_000, 'the encrypted download');
      const seen = await watchEncryption(session, s.id, done);
      await done;
      assert.deepEqual(await diffFiles(src, join(dir, 'dl', 'payload'), FILES.map((f) => f.path)), []);
      assert.ok(seen.has('rc4') && !seen.has('plaintext'), `peer list showed ${[...seen].join(',')}`);
    } finally {
      await session.close();
      await lt.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('libtorrent forcing RC4 downloads from a Tessera seed (incoming MSE)', { timeout: 60_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const { dir, src, torrent, bytes } = await setup();
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0, encryption: 'require' } });
  let lt: LtPeer | undefined;
  try {
    const s = await session.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => session.summaries()[0]?.status === 'seeding', 20_000, 'the seed to check its data');
    lt = new LtPeer({ mode: 'leech', torrent, save: join(dir, 'leech'), connect: [`127.0.0.1:${session.port}`], timeoutSec: 55, enc: 'forced' });
    const done = lt.waitFor((e) => e.event === 'done', 45_000);
    const seen = await watchEncryption(session, s.id, done);
    await done;
    assert.deepEqual(await diffFiles(src, join(dir, 'leech', 'payload'), FILES.map((f) => f.path)), []);
    assert.ok(seen.has('rc4') && !seen.has('plaintext'), `peer list showed ${[...seen].join(',')}`);
  } finally {
    await lt?.close();
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
});
