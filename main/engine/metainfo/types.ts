// The parsed form of a .torrent file (v1, v2 per BEP 52, or hybrid). Produced by parse-torrent.ts,
// consumed by the CLI, storage, and the engine. Byte strings stay Uint8Array; text is UTF-8 decoded.

export type MetaVersion = 'v1' | 'v2' | 'hybrid';

export interface TorrentFile {
  /** Path components under the torrent's name (for a single-file v1 torrent: [name]). Already validated: no '', '.', '..', separators or NUL. */
  path: string[];
  length: number;
  /** Byte offset of this file in the v1 piece stream (padding files included). For v2-only torrents: offset in the piece-aligned v2 layout. */
  offset: number;
  /** BEP 47 padding file (attr contains 'p'): never written to disk. */
  padding: boolean;
  /** BEP 47 attributes string as given ('x', 'h', 'l', 'p'), '' when absent. */
  attr: string;
  /** v2: the merkle root of this file's 16 KiB blocks (32 bytes); absent for empty files and v1. */
  piecesRoot?: Uint8Array;
}

export interface Metainfo {
  version: MetaVersion;
  /** SHA-1 of the info dictionary's exact bytes (v1 and hybrid). */
  infoHashV1?: Uint8Array;
  /** SHA-256 of the info dictionary's exact bytes (v2 and hybrid). */
  infoHashV2?: Uint8Array;
  /** The info dictionary exactly as it appears in the file (for ut_metadata and hashing). */
  infoBytes: Uint8Array;
  name: string;
  pieceLength: number;
  /** v1/hybrid: pieces.length / 20. v2-only: sum over files of ceil(length / pieceLength). */
  pieceCount: number;
  /** Sum of all file lengths, padding files included (the v1 piece stream's length). */
  totalLength: number;
  /** v1/hybrid: the concatenated 20-byte SHA-1 piece hashes. */
  pieces?: Uint8Array;
  /** v2: piece layers keyed by the lowercase hex of the file's pieces root. */
  pieceLayers?: Map<string, Uint8Array>;
  files: TorrentFile[];
  /** True when the info dict has a 'files' list (v1) or the file tree has more than the root file (v2). */
  multiFile: boolean;
  private: boolean;
  /** BEP 12 tiers; a lone 'announce' becomes one tier of one URL. */
  announce: string[][];
  /** BEP 19 url-list. */
  urlList: string[];
  /** BEP 17 httpseeds. */
  httpSeeds: string[];
  comment?: string;
  createdBy?: string;
  /** Unix seconds. */
  creationDate?: number;
  source?: string;
}
