import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from '../metainfo/create-torrent.ts';
import { parseTorrent } from '../metainfo/parse-torrent.ts';
import { makePayload } from '../../test-support/engine-fixtures.ts';
import { PieceMap, layoutLength } from '../storage/piece-map.ts';
import { MerkleVerifier } from './merkle-verify.ts';
import { fastLeaves, fastPairs } from '../hashing/native-sha1.ts';
import type { Metainfo } from '../metainfo/types.ts';

const PIECE = 32768;
// Sizes chosen to hit: a multi-piece file with a short last block, a file smaller than a block,
// a file of exactly one piece, and a file between one and two pieces.
const FILES = [
  { path: 'a.bin', size: 5 * PIECE + 1000 },
  { path: 'b.bin', size: 300 },
  { path: 'c.bin', size: PIECE },
  { path: 'd.bin', size: PIECE + 16384 + 7 },
];

/** The piece's bytes as a peer would send them (v1 stream with padding zeros, or the v2 layout). */
async function pieceBytes(meta: Metainfo, root: string, map: PieceMap, piece: number): Promise<Uint8Array> {
  const out = new Uint8Array(map.pieceSize(piece));
  for (const s of map.spans(piece)) {
    if (s.padding) continue;
    const f = meta.files[s.fileIndex];
    if (f === undefined) continue;
    const data = await readFile(join(root, ...f.path));
    out.set(data.subarray(s.fileOffset, s.fileOffset + s.length), s.pieceOffset);
  }
  return out;
}

for (const version of ['v2', 'hybrid'] as const) {
  test(`merkle verification of every ${version} piece; one flipped byte fails it`, { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-merkle-'));
    try {
      const src = join(dir, 'payload');
      await makePayload(src, FILES);
      const { bytes } = await createTorrent(src, { pieceLength: PIECE, version, creationDate: null });
      const meta = parseTorrent(bytes);
      const map = new PieceMap(meta.files, meta.pieceLength, layoutLength(meta.files));
      // node:crypto (the default) and the engine's hashers (the native addon's where it loads)
      for (const v of [new MerkleVerifier(meta, map.pieceCount), new MerkleVerifier(meta, map.pieceCount, undefined, { leaves: fastLeaves, pairs: fastPairs })]) {
        let checked = 0;
        for (let p = 0; p < map.pieceCount; p++) {
          const data = await pieceBytes(meta, src, map, p);
          assert.ok(v.target(p) !== undefined, `piece ${p} has a target`);
          assert.equal(v.verify(p, data), true, `piece ${p} verifies`);
          const bad = Uint8Array.from(data);
          const i = Math.min((v.target(p)?.dataLength ?? 1) - 1, 12345 % bad.length);
          bad[i] = (bad[i] as number) ^ 1;
          assert.equal(v.verify(p, bad), false, `piece ${p} with byte ${i} flipped fails`);
          assert.equal(v.verify(p, data.subarray(0, (v.target(p)?.dataLength ?? 1) - 1)), false, 'a piece short of its file data fails');
          checked++;
        }
        assert.equal(checked, version === 'v2' ? 6 + 1 + 1 + 2 : map.pieceCount);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('a v2 torrent without its piece layers is refused up front', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-merkle-'));
  try {
    const src = join(dir, 'payload');
    await makePayload(src, [{ path: 'a.bin', size: 3 * PIECE }]);
    const { bytes } = await createTorrent(src, { pieceLength: PIECE, version: 'v2', creationDate: null });
    const meta = parseTorrent(bytes);
    const stripped: Metainfo = { ...meta, pieceLayers: new Map() };
    assert.throws(() => new MerkleVerifier(stripped, 3), /no piece layer/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
