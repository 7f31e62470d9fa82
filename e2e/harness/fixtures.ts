// Test data: a small payload and its .torrent (made with Tessera's own creator, v1), and a
// python3-libtorrent seed for it on loopback (main/test-support/lt-peer.py).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from '../../main/engine/metainfo/create-torrent.ts';
import { toHex } from '../../main/engine/metainfo/hex.ts';
import { LtPeer } from '../../main/test-support/lt-peer.ts';

export interface Fixture {
  dir: string;
  name: string;
  torrentFile: string;
  infoHash: string;
  pieceCount: number;
  seedDir: string;
  cleanup(): Promise<void>;
}

/** `size` bytes of random data in one file, 32 KiB pieces. */
export async function makeFixture(name: string, size: number): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-data-'));
  const seedDir = join(dir, 'seed');
  await mkdir(seedDir);
  await writeFile(join(seedDir, name), randomBytes(size));
  const { bytes, meta } = await createTorrent(join(seedDir, name), { version: 'v1', pieceLength: 32768, creationDate: null });
  const torrentFile = join(dir, `${name}.torrent`);
  await writeFile(torrentFile, bytes);
  return {
    dir, name, torrentFile, seedDir, infoHash: toHex(meta.infoHashV1 ?? new Uint8Array()), pieceCount: meta.pieceCount,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A libtorrent seed (seed_mode: data known good) that dials Tessera's peer port. */
export function startSeed(f: Fixture, enginePort: number): LtPeer {
  return new LtPeer({ mode: 'seed', torrent: f.torrentFile, save: f.seedDir, connect: [`127.0.0.1:${enginePort}`], timeoutSec: 180 });
}
