// `tessera info <file.torrent|magnet>`: everything in a torrent or magnet, as text or JSON.
//
// JSON schema "tessera.info/1" (stable; fields are only ever added):
//   schema        "tessera.info/1"
//   source        "torrent" | "magnet"          what was read
//   name          string | null
//   version       "v1" | "v2" | "hybrid"
//   infoHashV1    40 hex chars | null           SHA-1 of the info dictionary's bytes
//   infoHashV2    64 hex chars | null           SHA-256 of the info dictionary's bytes
//   pieceLength   number | null                 bytes
//   pieceCount    number | null
//   totalSize     number | null                 bytes of data (padding files excluded)
//   private       boolean | null
//   source_tag    string | null                 info.source
//   comment       string | null
//   creationDate  string | null                 ISO 8601 (UTC)
//   creationDateUnix number | null              seconds
//   createdBy     string | null
//   trackers      string[][]                    tiers, in order
//   webSeeds      string[]                      url-list (BEP 19) then httpseeds (BEP 17)
//   files         { path: string, size: number }[]   path joined with "/" under the name; padding files left out
//   magnet        string
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { MAX_TORRENT_BYTES, parseTorrent } from '../../engine/metainfo/parse-torrent.ts';
import { fastPairs } from '../../engine/hashing/native-sha1.ts';
import { magnetFromMetainfo, parseMagnet, buildMagnet, type Magnet } from '../../engine/metainfo/magnet.ts';
import { toHex } from '../../engine/metainfo/hex.ts';
import type { Metainfo } from '../../engine/metainfo/types.ts';
import { TesseraError } from '../../engine/errors.ts';
import { formatBytes } from '../progress.ts';

export interface InfoJson {
  schema: 'tessera.info/1';
  source: 'torrent' | 'magnet';
  name: string | null;
  version: 'v1' | 'v2' | 'hybrid';
  infoHashV1: string | null;
  infoHashV2: string | null;
  pieceLength: number | null;
  pieceCount: number | null;
  totalSize: number | null;
  private: boolean | null;
  source_tag: string | null;
  comment: string | null;
  creationDate: string | null;
  creationDateUnix: number | null;
  createdBy: string | null;
  trackers: string[][];
  webSeeds: string[];
  files: Array<{ path: string; size: number }>;
  magnet: string;
}

export function describeTorrent(m: Metainfo): InfoJson {
  const files = m.files.filter((f) => !f.padding).map((f) => ({ path: f.path.join('/'), size: f.length }));
  const date = m.creationDate !== undefined && Number.isFinite(m.creationDate * 1000) && Math.abs(m.creationDate) < 8.64e12
    ? new Date(m.creationDate * 1000).toISOString() : null;
  return {
    schema: 'tessera.info/1',
    source: 'torrent',
    name: m.name,
    version: m.version,
    infoHashV1: m.infoHashV1 ? toHex(m.infoHashV1) : null,
    infoHashV2: m.infoHashV2 ? toHex(m.infoHashV2) : null,
    pieceLength: m.pieceLength,
    pieceCount: m.pieceCount,
    totalSize: files.reduce((s, f) => s + f.size, 0),
    private: m.private,
    source_tag: m.source ?? null,
    comment: m.comment ?? null,
    creationDate: date,
    creationDateUnix: m.creationDate ?? null,
    createdBy: m.createdBy ?? null,
    trackers: m.announce,
    webSeeds: [...m.urlList, ...m.httpSeeds],
    files,
    magnet: magnetFromMetainfo(m),
  };
}

export function describeMagnet(g: Magnet): InfoJson {
  return {
    schema: 'tessera.info/1',
    source: 'magnet',
    name: g.name ?? null,
    version: g.infoHashV1 && g.infoHashV2 ? 'hybrid' : g.infoHashV2 ? 'v2' : 'v1',
    infoHashV1: g.infoHashV1 ? toHex(g.infoHashV1) : null,
    infoHashV2: g.infoHashV2 ? toHex(g.infoHashV2) : null,
    pieceLength: null,
    pieceCount: null,
    totalSize: g.exactLength ?? null,
    private: null,
    source_tag: null,
    comment: null,
    creationDate: null,
    creationDateUnix: null,
    createdBy: null,
    trackers: g.trackers.map((t) => [t]),
    webSeeds: g.webSeeds,
    files: [],
    magnet: buildMagnet(g),
  };
}

/** Reads a .torrent file as Metainfo, with file-system errors as one-line TesseraErrors. */
export async function readTorrentFile(file: string): Promise<Metainfo> {
  let bytes: Buffer;
  try {
    // Check the size first: a huge file is refused without being read into memory.
    const st = await stat(file);
    if (!st.isFile()) throw new TesseraError('BAD_ARGUMENT', `${file}: not a file`);
    if (st.size > MAX_TORRENT_BYTES) throw new TesseraError('METAINFO_INVALID', `${file}: ${st.size} bytes is more than the ${MAX_TORRENT_BYTES} accepted for a .torrent`);
    bytes = await readFile(file);
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new TesseraError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return parseTorrent(bytes, { pairs: fastPairs });
  } catch (e) {
    if (e instanceof TesseraError) throw new TesseraError(e.code, `${file}: ${e.message}`, { cause: e });
    throw e;
  }
}

// A folder keeps its entries in the torrent's order (names and kids side by side) and its folders
// by name, to find them again; files are only appended (a torrent lists each path once, and one
// that repeats a path shows it twice). A file is a leaf with no arrays at all.
interface TreeNode { size: number; names: string[] | null; kids: TreeNode[] | null; folders: Map<string, TreeNode> | null }

/** Deeper paths are listed whole, one line each, after the tree: an indented line per level would grow with the square of the depth. */
const MAX_TREE_DEPTH = 32;

function append(parent: TreeNode, name: string, node: TreeNode): void {
  (parent.names ??= []).push(name);
  (parent.kids ??= []).push(node);
}

function folderOf(parent: TreeNode, name: string): TreeNode {
  // Files come folder by folder: the folder asked for is most often the one added last.
  const names = parent.names;
  const lastName = names === null ? undefined : names[names.length - 1];
  if (lastName === name) {
    const last = (parent.kids as TreeNode[])[names!.length - 1] as TreeNode;
    if (last.kids !== null) return last;
  }
  let folder = parent.folders?.get(name);
  if (folder === undefined) {
    folder = { size: 0, names: [], kids: [], folders: null };
    (parent.folders ??= new Map()).set(name, folder);
    append(parent, name, folder);
  }
  return folder;
}

/** Adds a "/"-joined path to the tree; false when it is deeper than MAX_TREE_DEPTH (nothing added). */
function addPath(root: TreeNode, path: string, size: number): boolean {
  let depth = 1;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) if (++depth > MAX_TREE_DEPTH) return false;
  root.size += size;
  let node = root;
  let from = 0;
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', from)) {
    node = folderOf(node, path.slice(from, slash));
    node.size += size;
    from = slash + 1;
  }
  append(node, path.slice(from), { size, names: null, kids: null, folders: null });
  return true;
}

/** The file list as an indented tree, a line per folder and file, appended to `out`. */
function fileTree(files: InfoJson['files'], out: string[]): void {
  const root: TreeNode = { size: 0, names: [], kids: [], folders: null };
  const deep: InfoJson['files'] = [];
  for (const f of files) if (!addPath(root, f.path, f.size)) deep.push(f);
  // Depth-first with a stack of its own: a path of tens of thousands of components (a hostile
  // torrent) would overflow the call stack as recursion.
  const stack: Array<{ node: TreeNode; next: number; prefix: string }> = [{ node: root, next: 0, prefix: '  ' }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as (typeof stack)[number];
    const { names, kids } = top.node;
    if (names === null || kids === null || top.next >= kids.length) { stack.pop(); continue; }
    const i = top.next++;
    const c = kids[i] as TreeNode;
    const last = i === kids.length - 1;
    out.push(`${top.prefix}${last ? '└─ ' : '├─ '}${names[i] as string}${c.kids === null ? '' : '/'}  (${formatBytes(c.size)})`);
    if (c.kids !== null) stack.push({ node: c, next: 0, prefix: top.prefix + (last ? '   ' : '│  ') });
  }
  for (const f of deep) out.push(`  ${f.path}  (${formatBytes(f.size)})`);
}

export function formatInfo(j: InfoJson): string {
  const rows: Array<[string, string]> = [
    ['Name', j.name ?? '(none)'],
    ['Version', j.version],
  ];
  if (j.infoHashV1) rows.push(['Info-hash v1', j.infoHashV1]);
  if (j.infoHashV2) rows.push(['Info-hash v2', j.infoHashV2]);
  if (j.source === 'torrent') {
    rows.push(['Piece length', `${j.pieceLength} (${formatBytes(j.pieceLength ?? 0)})`]);
    rows.push(['Pieces', String(j.pieceCount)]);
    rows.push(['Total size', `${j.totalSize} (${formatBytes(j.totalSize ?? 0)})`]);
    rows.push(['Private', j.private ? 'yes' : 'no']);
    if (j.source_tag !== null) rows.push(['Source', j.source_tag]);
    if (j.comment !== null) rows.push(['Comment', j.comment]);
    if (j.creationDate !== null) rows.push(['Created', j.creationDate]);
    if (j.createdBy !== null) rows.push(['Created by', j.createdBy]);
  } else if (j.totalSize !== null) rows.push(['Total size', `${j.totalSize} (${formatBytes(j.totalSize)})`]);
  const out = rows.map(([k, v]) => `${(k + ':').padEnd(14)} ${v}`);
  out.push(`Trackers:${j.trackers.length ? '' : '      (none)'}`);
  j.trackers.forEach((t, i) => out.push(`  tier ${i}: ${t.join(', ')}`));
  if (j.webSeeds.length) { out.push('Web seeds:'); for (const w of j.webSeeds) out.push(`  ${w}`); }
  if (j.source === 'torrent') { out.push(`Files (${j.files.length}):`); fileTree(j.files, out); }
  out.push(`Magnet:        ${j.magnet}`, '');
  return out.join('\n');
}

export function register(program: Command): void {
  program
    .command('info')
    .description('show what a .torrent file or magnet link holds')
    .argument('<torrent>', '.torrent file or magnet: URI')
    .option('--json', 'print JSON (schema "tessera.info/1", documented in main/cli/commands/info.ts)')
    .action(async (arg: string, f: { json?: boolean }) => {
      const j = /^magnet:/i.test(arg) ? describeMagnet(parseMagnet(arg)) : describeTorrent(await readTorrentFile(arg));
      process.stdout.write(f.json ? `${JSON.stringify(j, null, 2)}\n` : formatInfo(j));
    });
}
