// What a Torrent needs to know to run a v2 (BEP 52) or hybrid torrent besides a v1 one: which
// info-hash it goes by (v1, or the SHA-256 info-hash truncated to 20 bytes for a v2-only torrent),
// which hashes peers may name it by (a hybrid is in both swarms), its piece layout, and the merkle
// verifier. On the wire every piece of a v2-only torrent is full-size: the gap between a file's
// end and the next piece boundary is implicit padding (zeros), as libtorrent treats it — a
// file's tail piece is requested and served whole.
import { TesseraError } from './errors.ts';
import { toHex } from './metainfo/hex.ts';
import type { Metainfo } from './metainfo/types.ts';
import { MerkleVerifier, type PieceHashSource } from './pieces/merkle-verify.ts';
import { fastLeaves, fastPairs } from './hashing/native-sha1.ts';
import { PieceMap, layoutLength } from './storage/piece-map.ts';

export interface TorrentIdentity {
  /** The hash we handshake and announce with: v1 when there is one, else the truncated v2 hash. */
  infoHash: Uint8Array;
  id: string;
  /** Every 20-byte hash a peer may use for this torrent (handshake routing, MSE SKEY). */
  skeys: Uint8Array[];
}

export function torrentIdentity(meta: Metainfo): TorrentIdentity {
  const v2 = meta.infoHashV2?.slice(0, 20);
  const main = meta.infoHashV1 ?? v2;
  if (main === undefined) throw new TesseraError('METAINFO_INVALID', 'the torrent has no info-hash');
  if (meta.infoHashV1 === undefined && meta.version !== 'v2') throw new TesseraError('METAINFO_INVALID', 'a v1 torrent without piece hashes');
  return { infoHash: main, id: toHex(main), skeys: v2 !== undefined && meta.infoHashV1 !== undefined ? [meta.infoHashV1, v2] : [main] };
}

/**
 * The piece map of the torrent's byte stream. v1 and hybrid: the v1 stream (BEP 47 padding files
 * included). v2-only: the piece-aligned layout, its end padded to a whole piece too — libtorrent
 * gives v2 torrents a tail pad file, so every piece, the last included, is pieceLength long on
 * the wire (it requests 16 KiB blocks of a 100-byte last file).
 */
export function pieceMapOf(meta: Metainfo): PieceMap {
  if (meta.version !== 'v2') return new PieceMap(meta.files, meta.pieceLength, meta.totalLength);
  const pieces = Math.ceil(layoutLength(meta.files) / meta.pieceLength);
  return new PieceMap(meta.files, meta.pieceLength, pieces * meta.pieceLength);
}

/**
 * The BEP 52 verifier for v2 and hybrid torrents (hybrids check SHA-1 and the merkle root).
 * `learned`: piece layers fetched from peers when the metadata has none (a magnet).
 */
export function merkleVerifierOf(meta: Metainfo, pieceCount: number, learned?: PieceHashSource): MerkleVerifier | undefined {
  // The addon's SHA-256 where it loads: a downloaded piece's leaves several at a time, on this thread.
  return meta.infoHashV2 !== undefined ? new MerkleVerifier(meta, pieceCount, learned, { leaves: fastLeaves, pairs: fastPairs }) : undefined;
}
