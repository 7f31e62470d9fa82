// Parses and validates a .torrent file: v1, v2 (BEP 52) and hybrid. Pure (node:crypto only).
// The info-hashes are taken over the info dictionary's exact bytes in the file, never re-encoded.
import { createHash } from 'node:crypto';
import { bdecodeSpans as bdecode, keyBytes, type BDict, type BValue } from '../bencode/decode.ts';
import { get, invalid, isBytes, isDict, optBytes, optInt, optList, optString, reqInt, reqString, text } from './fields.ts';
import { toHex } from './hex.ts';
import { BLOCK, rootFromLayer, type PairHasher } from './merkle.ts';
import { unsafeComponentReason } from '../storage/safe-path.ts';
import type { Metainfo, MetaVersion, TorrentFile } from './types.ts';

/** Largest piece length accepted (libtorrent's limit is 128 MiB in practice; leave headroom). */
export const MAX_PIECE_LENGTH = 512 * 1024 * 1024;

/** `where`: the field, or the index of the v1 file entry (its name is built only on an error). */
function component(c: string, where: string | number): string {
  const why = unsafeComponentReason(c, { windows: false });
  if (why !== null) invalid(typeof where === 'number' ? `info.files[${where}].path` : where, `path component ${JSON.stringify(c)} ${why}`);
  return c;
}

function safeTotal(n: number, field: string): number {
  if (!Number.isSafeInteger(n)) invalid(field, 'total size is too large');
  return n;
}

interface V1Info { files: TorrentFile[]; multiFile: boolean; totalLength: number }

/** Throws the precise error for a v1 file entry the fast path found wrong. */
function fileEntryError(f: BDict, field: string): never {
  const len = reqInt(f, 'length', `${field}.length`);
  if (len < 0) invalid(`${field}.length`, 'is negative');
  const rawPath = optList(f, 'path', `${field}.path`);
  if (rawPath === undefined) invalid(`${field}.path`, 'is missing');
  if (rawPath.length === 0) invalid(`${field}.path`, 'is empty');
  optString(f, 'attr', `${field}.attr`);
  invalid(field, 'is malformed');
}

function parseV1Files(info: BDict, name: string): V1Info {
  const length = optInt(info, 'length', 'info.length');
  const list = optList(info, 'files', 'info.files');
  if (length !== undefined && list !== undefined) invalid('info', 'has both "length" and "files"');
  if (length !== undefined) {
    if (length < 0) invalid('info.length', 'is negative');
    return { files: [{ path: [name], length, offset: 0, padding: false, attr: optString(info, 'attr', 'info.attr') ?? '' }], multiFile: false, totalLength: length };
  }
  if (list === undefined) invalid('info', 'has neither "length" nor "files"');
  if (list.length === 0) invalid('info.files', 'is empty');
  const files: TorrentFile[] = [];
  let offset = 0;
  // One torrent can list 100,000 files: the common case is checked inline and the field names of
  // the error messages are built only on an error (building five strings per file cost more than
  // the rest of the parse).
  for (let i = 0; i < list.length; i++) {
    const f = list[i];
    if (!isDict(f)) invalid(`info.files[${i}]`, 'must be a dictionary');
    const len = f.get('length');
    const rawPath = f.get('path');
    const rawAttr = f.get('attr');
    if (typeof len !== 'number' || len < 0 || !Array.isArray(rawPath) || rawPath.length === 0 || (rawAttr !== undefined && !isBytes(rawAttr))) {
      fileEntryError(f, `info.files[${i}]`);
    }
    const attr = rawAttr === undefined ? '' : text(rawAttr);
    const path: string[] = new Array(rawPath.length);
    for (let j = 0; j < rawPath.length; j++) {
      const c = rawPath[j];
      if (!isBytes(c)) invalid(`info.files[${i}].path[${j}]`, 'must be a string');
      path[j] = component(text(c), i);
    }
    files.push({ path, length: len, offset, padding: attr.includes('p'), attr });
    offset = safeTotal(offset + len, 'info.files');
  }
  return { files, multiFile: true, totalLength: offset };
}

interface V2File { path: string[]; length: number; attr: string; piecesRoot?: Uint8Array }

function walkTree(node: BDict, prefix: string[], out: V2File[], field: string): void {
  for (const [k, child] of node) {
    const name = text(keyBytes(k));
    const f = `${field}/${name}`;
    if (!isDict(child)) invalid(f, 'must be a dictionary');
    const leaf = get(child, '');
    if (leaf !== undefined) {
      if (child.size !== 1) invalid(f, 'a file entry has other keys beside ""');
      if (!isDict(leaf)) invalid(f, 'file entry must be a dictionary');
      if (k === '') invalid(f, 'file name is empty');
      const length = reqInt(leaf, 'length', `${f}.length`);
      if (length < 0) invalid(`${f}.length`, 'is negative');
      const attr = optString(leaf, 'attr', `${f}.attr`) ?? '';
      const file: V2File = { path: [...prefix, component(name, field)], length, attr };
      const root = optBytes(leaf, 'pieces root', `${f}.pieces root`);
      if (length > 0) {
        if (root === undefined) invalid(`${f}.pieces root`, 'is missing for a non-empty file');
        if (root.length !== 32) invalid(`${f}.pieces root`, 'must be 32 bytes');
        file.piecesRoot = root.slice();
      }
      out.push(file);
    } else {
      if (child.size === 0) invalid(f, 'is an empty directory');
      walkTree(child, [...prefix, component(name, field)], out, f);
    }
  }
}

function parseAnnounce(top: BDict): string[][] {
  const list = optList(top, 'announce-list', 'announce-list');
  const single = optString(top, 'announce', 'announce');
  const tiers: string[][] = [];
  if (list !== undefined) {
    list.forEach((tier, i) => {
      if (!Array.isArray(tier)) invalid(`announce-list[${i}]`, 'must be a list');
      const urls = tier.map((u, j) => {
        if (!isBytes(u)) invalid(`announce-list[${i}][${j}]`, 'must be a string');
        return text(u);
      }).filter((u) => u.length > 0);
      if (urls.length) tiers.push(urls);
    });
  }
  // BEP 12: announce-list supersedes announce when it has any tracker.
  if (tiers.length === 0 && single !== undefined && single.length > 0) tiers.push([single]);
  return tiers;
}

function stringList(top: BDict, key: string): string[] {
  const v = get(top, key);
  if (v === undefined) return [];
  if (isBytes(v)) return v.length ? [text(v)] : [];
  if (!Array.isArray(v)) invalid(key, 'must be a string or a list of strings');
  return v.map((u, i) => {
    if (!isBytes(u)) invalid(`${key}[${i}]`, 'must be a string');
    return text(u);
  }).filter((u) => u.length > 0);
}

/** Largest .torrent accepted (libtorrent's default limit is 10 MB; leave room for huge v1 piece lists). */
export const MAX_TORRENT_BYTES = 64 * 1024 * 1024;

export interface ParseOptions {
  /** SHA-256 for checking piece layers against their roots (native-sha1.ts's fastPairs where the addon may load); node:crypto by default. */
  pairs?: PairHasher;
}

export function parseTorrent(input: Uint8Array, opts: ParseOptions = {}): Metainfo {
  if (input.byteLength > MAX_TORRENT_BYTES) invalid('torrent', `is ${input.byteLength} bytes, more than the ${MAX_TORRENT_BYTES} accepted`);
  // A plain Uint8Array view (a Buffer's slice() would give Buffers in the Metainfo).
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const { value: top, spans } = bdecode(bytes);
  if (!isDict(top)) invalid('torrent', 'top level must be a dictionary');
  const info = get(top, 'info');
  if (info === undefined) invalid('info', 'is missing');
  if (!isDict(info)) invalid('info', 'must be a dictionary');
  const span = spans.get('info') as [number, number];
  const infoBytes = bytes.slice(span[0], span[1]);

  const name = reqString(info, 'name', 'info.name');
  component(name, 'info.name');
  const pieceLength = reqInt(info, 'piece length', 'info.piece length');
  if (pieceLength <= 0) invalid('info.piece length', 'must be positive');
  if (pieceLength > MAX_PIECE_LENGTH) invalid('info.piece length', `is larger than ${MAX_PIECE_LENGTH}`);
  const metaVersion = optInt(info, 'meta version', 'info.meta version');
  const tree = get(info, 'file tree');
  const piecesRaw = get(info, 'pieces');
  const hasV1 = piecesRaw !== undefined;
  if (metaVersion !== undefined && metaVersion !== 2) invalid('info.meta version', `unsupported version ${metaVersion}`);
  const hasV2 = metaVersion === 2;
  if (hasV2 && tree === undefined) invalid('info.file tree', 'is missing (meta version is 2)');
  if (!hasV1 && !hasV2) invalid('info.pieces', 'is missing');
  const version: MetaVersion = hasV1 && hasV2 ? 'hybrid' : hasV2 ? 'v2' : 'v1';

  let files: TorrentFile[];
  let multiFile: boolean;
  let totalLength: number;
  let pieceCount: number;
  let pieces: Uint8Array | undefined;
  let v1: V1Info | undefined;
  if (hasV1) {
    if (!isBytes(piecesRaw)) invalid('info.pieces', 'must be a string');
    if (piecesRaw.length % 20 !== 0) invalid('info.pieces', `length ${piecesRaw.length} is not a multiple of 20`);
    v1 = parseV1Files(info, name);
    pieces = piecesRaw.slice();
    pieceCount = pieces.length / 20;
    const expected = Math.ceil(v1.totalLength / pieceLength);
    if (pieceCount !== expected) {
      invalid('info.pieces', `has ${pieceCount} hashes but the files (${v1.totalLength} bytes) need ${expected} pieces of ${pieceLength}`);
    }
  }

  let v2files: V2File[] | undefined;
  let pieceLayers: Map<string, Uint8Array> | undefined;
  if (hasV2) {
    if (pieceLength < BLOCK || (pieceLength & (pieceLength - 1)) !== 0) {
      invalid('info.piece length', `must be a power of two of at least 16 KiB for v2, got ${pieceLength}`);
    }
    if (!isDict(tree)) invalid('info.file tree', 'must be a dictionary');
    if (tree.size === 0) invalid('info.file tree', 'is empty');
    v2files = [];
    walkTree(tree, [], v2files, 'info.file tree');
    pieceLayers = parsePieceLayers(top, v2files, pieceLength, opts.pairs);
  }

  if (v1) {
    files = v1.files;
    multiFile = v1.multiFile;
    totalLength = v1.totalLength;
    pieceCount = pieces ? pieces.length / 20 : 0;
    if (v2files) attachHybrid(files, v2files, multiFile, pieceLength);
  } else {
    const list = v2files as V2File[];
    // Single-file v2: the tree's only entry is a file at the root.
    multiFile = !(list.length === 1 && (list[0] as V2File).path.length === 1 && tree instanceof Map && tree.size === 1);
    files = [];
    let offset = 0;
    let data = 0;
    pieceCount = 0;
    for (const f of list) {
      const file: TorrentFile = { path: f.path, length: f.length, offset, padding: f.attr.includes('p'), attr: f.attr };
      if (f.piecesRoot) file.piecesRoot = f.piecesRoot;
      files.push(file);
      const n = Math.ceil(f.length / pieceLength);
      pieceCount += n;
      data = safeTotal(data + f.length, 'info.file tree');
      offset = safeTotal(offset + n * pieceLength, 'info.file tree');
    }
    totalLength = data;
  }

  const meta: Metainfo = {
    version,
    infoBytes,
    name,
    pieceLength,
    pieceCount,
    totalLength,
    files,
    multiFile,
    private: optInt(info, 'private', 'info.private') === 1,
    announce: parseAnnounce(top),
    urlList: stringList(top, 'url-list'),
    httpSeeds: stringList(top, 'httpseeds'),
  };
  if (hasV1) meta.infoHashV1 = new Uint8Array(createHash('sha1').update(infoBytes).digest());
  if (hasV2) meta.infoHashV2 = new Uint8Array(createHash('sha256').update(infoBytes).digest());
  if (pieces) meta.pieces = pieces;
  if (pieceLayers) meta.pieceLayers = pieceLayers;
  const comment = optString(top, 'comment', 'comment');
  if (comment !== undefined) meta.comment = comment;
  const createdBy = optString(top, 'created by', 'created by');
  if (createdBy !== undefined) meta.createdBy = createdBy;
  const date = optInt(top, 'creation date', 'creation date');
  if (date !== undefined) meta.creationDate = date;
  const source = optString(info, 'source', 'info.source');
  if (source !== undefined) meta.source = source;
  return meta;
}

function parsePieceLayers(top: BDict, files: V2File[], pieceLength: number, pairs: PairHasher | undefined): Map<string, Uint8Array> {
  const raw = get(top, 'piece layers');
  const layers = new Map<string, Uint8Array>();
  if (raw !== undefined && !isDict(raw)) invalid('piece layers', 'must be a dictionary');
  for (const f of files) {
    if (f.length <= pieceLength || !f.piecesRoot) continue;
    const hex = toHex(f.piecesRoot);
    const field = `piece layers[${hex}] (${f.path.join('/')})`;
    const layer: BValue | undefined = raw?.get(String.fromCharCode(...f.piecesRoot));
    // Missing: BEP 52 lets a client fetch it from peers (hash requests, pieces/hash-layers.ts); a
    // torrent built from a magnet's info dict never has it. Present but wrong is still invalid.
    if (layer === undefined) continue;
    if (!isBytes(layer)) invalid(field, 'must be a string');
    const want = Math.ceil(f.length / pieceLength) * 32;
    if (layer.length !== want) invalid(field, `is ${layer.length} bytes, expected ${want}`);
    if (toHex(rootFromLayer(layer, pieceLength, pairs)) !== hex) invalid(field, 'does not hash to the file\'s pieces root');
    layers.set(hex, layer.slice());
  }
  return layers;
}

/** Hybrid: the v1 file list (with pad files) must describe the same files as the v2 tree. */
function attachHybrid(files: TorrentFile[], v2: V2File[], multiFile: boolean, pieceLength: number): void {
  const real = files.filter((f) => !f.padding);
  if (real.length !== v2.length) invalid('info', `hybrid: v1 lists ${real.length} files but the file tree has ${v2.length}`);
  real.forEach((f, i) => {
    const g = v2[i] as V2File;
    const p1 = (multiFile ? f.path : f.path).join('/');
    const p2 = g.path.join('/');
    if (p1 !== p2 || f.length !== g.length) invalid('info', `hybrid: file ${i} is ${p1} (${f.length}) in v1 but ${p2} (${g.length}) in v2`);
    if (f.length > 0 && f.offset % pieceLength !== 0) invalid('info', `hybrid: file ${p1} does not start on a piece boundary`);
    if (g.piecesRoot) f.piecesRoot = g.piecesRoot;
  });
}
