// Creates a .torrent (v1, v2 or hybrid) from a file or folder. The info dictionary is built in
// the canonical encoding and parsed back with parseTorrent, so what we write is what we read.
import { HashPool } from '../hashing/hash-pool.ts';
import { hashLayout, LeafCollector, type LayoutEntry } from '../hashing/layout-hasher.ts';
import { TesseraError } from '../errors.ts';
import { keyOf, type BDict, type BValue } from '../bencode/decode.ts';
import { bencode, dict, str, type BEncodable } from '../bencode/encode.ts';
import { listSourceFiles, type SourceFile } from './create-files.ts';
import { BLOCK, fileRoot, pieceLayer, rootFromLayer } from './merkle.ts';
import { fastPairs } from '../hashing/native-sha1.ts';
import { parseTorrent } from './parse-torrent.ts';
import type { Metainfo, MetaVersion } from './types.ts';

export interface CreateOptions {
  /** Default 'v1'. */
  version?: MetaVersion;
  /** Bytes (a power of two ≥ 16 KiB for v2/hybrid) or 'auto' (default): see autoPieceLength. */
  pieceLength?: number | 'auto';
  /** Tracker tiers (BEP 12). */
  announce?: string[][];
  /** BEP 19 web seeds (url-list). */
  webSeeds?: string[];
  private?: boolean;
  source?: string;
  comment?: string;
  /** Unix seconds; null leaves 'creation date' out (reproducible output). Default: now. */
  creationDate?: number | null;
  /** Default 'Tessera 0.1.0'. */
  createdBy?: string;
  /** Globs (see glob.ts): only files matching one of these are added. */
  include?: string[];
  exclude?: string[];
  /** Use this pool instead of creating (and closing) one with `threads` workers. */
  pool?: HashPool;
  threads?: number;
  /** Bytes per read; default 8 MiB. */
  chunkSize?: number;
}

export const DEFAULT_CREATED_BY = 'Tessera 0.1.0';

/**
 * Auto piece length: the smallest power of two giving at most 1500 pieces, clamped to
 * [16 KiB, 16 MiB]: 2^clamp(ceil(log2(total / 1500)), 14, 24).
 */
export function autoPieceLength(totalBytes: number): number {
  const exp = Math.ceil(Math.log2(Math.max(1, totalBytes) / 1500));
  return 2 ** Math.min(24, Math.max(14, exp));
}

function checkPieceLength(pl: number, version: MetaVersion): void {
  if (!Number.isSafeInteger(pl) || pl <= 0) throw new TesseraError('BAD_ARGUMENT', `piece length ${pl} is not a positive integer`);
  if (version !== 'v1' && (pl < BLOCK || (pl & (pl - 1)) !== 0)) {
    throw new TesseraError('BAD_ARGUMENT', `piece length ${pl} must be a power of two of at least 16 KiB for ${version}`);
  }
  if (pl > 512 * 1024 * 1024) throw new TesseraError('BAD_ARGUMENT', `piece length ${pl} is larger than 512 MiB`);
}

interface Placed { file: SourceFile; entry: number }

export async function createTorrent(
  src: string,
  opts: CreateOptions = {},
  ctl: { signal?: AbortSignal; onProgress?: (hashedBytes: number, totalBytes: number) => void } = {},
): Promise<{ bytes: Uint8Array; meta: Metainfo }> {
  const version = opts.version ?? 'v1';
  const pool = opts.pool ?? new HashPool(opts.threads === undefined ? {} : { threads: opts.threads });
  pool.warm(true); // workers boot while the files are listed (with the addon, none are needed)
  try {
    return await create(src, opts, ctl, pool, version);
  } finally {
    if (!opts.pool) await pool.close();
  }
}

async function create(
  src: string,
  opts: CreateOptions,
  ctl: { signal?: AbortSignal; onProgress?: (hashedBytes: number, totalBytes: number) => void },
  pool: HashPool,
  version: MetaVersion,
): Promise<{ bytes: Uint8Array; meta: Metainfo }> {
  const list = await listSourceFiles(src, { include: opts.include ?? [], exclude: opts.exclude ?? [], native: pool.native });
  const dataBytes = list.files.reduce((s, f) => s + f.length, 0);
  const pl = opts.pieceLength === undefined || opts.pieceLength === 'auto' ? autoPieceLength(dataBytes) : opts.pieceLength;
  checkPieceLength(pl, version);
  const v1 = version !== 'v2';
  const v2 = version !== 'v1';

  // Layout: v1 files end to end; v2/hybrid files start on piece boundaries (hybrid: BEP 47 pad
  // files; v2: the same gaps, unlisted). A multi-file hybrid also pads its last file to a piece
  // boundary: libtorrent 2.0.8's create_torrent does, and matching it gives the same info-hash.
  const entries: LayoutEntry[] = [];
  const placed: Placed[] = [];
  // File entries as plain objects of JS strings: the encoder writes names straight into its
  // buffer (5,000 files: no byte array per path component, nor a Map per entry).
  const v1Files: BEncodable[] = [];
  list.files.forEach((f, i) => {
    placed.push({ file: f, entry: entries.length });
    entries.push({ abs: f.abs, length: f.length, blocks: v2 && f.length > 0 });
    v1Files.push({ length: f.length, path: f.path });
    const rem = f.length % pl;
    if (v2 && rem !== 0 && !list.single) {
      const pad = pl - rem;
      entries.push({ abs: null, length: pad });
      v1Files.push({ attr: 'p', length: pad, path: ['.pad', String(pad)] });
    }
  });
  const layoutBytes = entries.reduce((s, e) => s + e.length, 0);

  const pieces = v1 ? new Uint8Array(Math.ceil(layoutBytes / pl) * 20) : undefined;
  const leaves = new LeafCollector(entries);

  await hashLayout(pool, entries, {
    pieceLength: pl,
    sha1: v1,
    ...(opts.chunkSize === undefined ? {} : { chunkSize: opts.chunkSize }),
    ...(ctl.signal ? { signal: ctl.signal } : {}),
    onProgress: (done) => ctl.onProgress?.(done, layoutBytes),
    onPieces: (first, d) => pieces?.set(d, first * 20),
    onBlocks: leaves.onBlocks,
  });

  const info: Map<string, BEncodable> = dict({
    name: list.name,
    'piece length': pl,
    private: opts.private ? 1 : undefined,
    source: opts.source,
  });
  if (v1) {
    info.set(keyOf('pieces'), pieces as Uint8Array);
    if (list.single) info.set(keyOf('length'), (list.files[0] as SourceFile).length);
    else info.set(keyOf('files'), v1Files);
  }
  const layers: BDict = new Map();
  if (v2) {
    info.set(keyOf('meta version'), 2);
    const tree: BDict = new Map();
    for (const p of placed) {
      const leaf = dict({ length: p.file.length });
      if (p.file.length > 0) {
        const blocks = leaves.get(p.entry);
        const layer = p.file.length > pl ? pieceLayer(blocks, pl, fastPairs) : undefined;
        const root = layer ? rootFromLayer(layer, pl, fastPairs) : fileRoot(blocks, pl, fastPairs);
        leaf.set(keyOf('pieces root'), root);
        if (layer) layers.set(String.fromCharCode(...root), layer);
      }
      let node = tree;
      for (const c of p.file.path.slice(0, -1)) {
        const k = keyOf(c);
        let next = node.get(k);
        if (!(next instanceof Map)) { next = new Map(); node.set(k, next); }
        node = next;
      }
      node.set(keyOf(p.file.path[p.file.path.length - 1] as string), new Map<string, BValue>([['', leaf]]));
    }
    info.set(keyOf('file tree'), tree);
  }

  const tiers = (opts.announce ?? []).map((t) => t.filter((u) => u.length > 0)).filter((t) => t.length > 0);
  const urls = tiers.flat();
  const webSeeds = opts.webSeeds ?? [];
  const top: Map<string, BEncodable> = dict({
    announce: urls[0],
    'announce-list': urls.length > 1 ? tiers.map((t) => t.map(str)) : undefined,
    comment: opts.comment,
    'created by': opts.createdBy ?? DEFAULT_CREATED_BY,
    'creation date': opts.creationDate === null ? undefined : opts.creationDate ?? Math.floor(Date.now() / 1000),
    'url-list': webSeeds.length === 0 ? undefined : webSeeds.length === 1 ? webSeeds[0] : webSeeds.map(str),
  });
  top.set(keyOf('info'), info);
  if (v2 && layers.size > 0) top.set(keyOf('piece layers'), layers);
  const bytes = bencode(top);
  return { bytes, meta: parseTorrent(bytes, { pairs: fastPairs }) };
}
