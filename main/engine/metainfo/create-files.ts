// Lists the files a new torrent will hold: sorted by path bytes (the order of a v2 file tree),
// hidden files included unless excluded, symlinks followed only when their target stays inside
// the source path (and never twice into the same directory, so link cycles end).
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { TesseraError } from '../errors.ts';
import { globToRegExp } from './glob.ts';

export interface SourceFile {
  /** Path components under the torrent's name (single-file: [name]). */
  path: string[];
  /** Absolute path to read from. */
  abs: string;
  length: number;
}

export interface SourceList {
  name: string;
  single: boolean;
  files: SourceFile[];
  /** Symlinks skipped because their target is outside the source path. */
  skipped: string[];
}

const enc = new TextEncoder();
function cmpBytes(a: string, b: string): number {
  const x = enc.encode(a), y = enc.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** File-system calls in flight at once during a walk. */
const FS_CALLS = 64;

/** Runs the calls it is given at most `n` at a time, the rest waiting their turn in order. */
function gate(n: number): <T>(call: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (call) => {
    if (running >= n) await new Promise<void>((go) => waiting.push(go)); // a finishing call hands over its slot
    else running++;
    try {
      return await call();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export async function listSourceFiles(src: string, opts: { include?: readonly string[]; exclude?: readonly string[] } = {}): Promise<SourceList> {
  const abs = path.resolve(src);
  let st;
  try {
    st = await stat(abs);
  } catch (e) {
    throw new TesseraError('NOT_FOUND', `${src}: no such file or directory`, { cause: e });
  }
  const name = path.basename(abs);
  if (st.isFile()) return { name, single: true, files: [{ path: [name], abs, length: st.size }], skipped: [] };
  if (!st.isDirectory()) throw new TesseraError('BAD_ARGUMENT', `${src}: not a file or directory`);

  const include = (opts.include ?? []).map(globToRegExp);
  const exclude = (opts.exclude ?? []).map(globToRegExp);
  const matches = (res: readonly { full: RegExp; base: RegExp | null }[], rel: string): boolean =>
    res.some((r) => r.full.test(rel) || (r.base !== null && rel.split('/').some((c) => (r.base as RegExp).test(c))));

  const rootReal = await realpath(abs);
  const seenDirs = new Set<string>([rootReal]);
  const files: SourceFile[] = [];
  const skipped: string[] = [];

  // Every entry's lstat (and a link's realpath/stat) in parallel, at most FS_CALLS at a time: one
  // after another, each call's round trip through libuv's thread pool dominated (5,000 files:
  // 0.45-0.5 s of lstat alone, 33 ms with 64 in flight, 20 ms with blocking calls). The walk's
  // order does not matter: files are sorted below.
  const fsCall = gate(FS_CALLS);
  async function visit(p: string, relPath: string[]): Promise<void> {
    const relStr = relPath.join('/');
    if (exclude.length && matches(exclude, relStr)) return;
    let s = await fsCall(() => lstat(p));
    if (s.isSymbolicLink()) {
      let target: string;
      try {
        target = await fsCall(() => realpath(p));
      } catch {
        skipped.push(relStr); // dangling link
        return;
      }
      if (!inside(rootReal, target)) { skipped.push(relStr); return; }
      s = await fsCall(() => stat(p));
      if (s.isDirectory()) {
        if (seenDirs.has(target)) return;
        seenDirs.add(target);
      }
    } else if (s.isDirectory()) {
      seenDirs.add(await fsCall(() => realpath(p)));
    }
    if (s.isDirectory()) await walk(p, relPath);
    else if (s.isFile()) {
      if (include.length && !matches(include, relStr)) return;
      files.push({ path: relPath, abs: p, length: s.size });
    }
  }
  async function walk(dir: string, rel: string[]): Promise<void> {
    const entries = await fsCall(() => readdir(dir));
    await Promise.all(entries.map((e) => visit(path.join(dir, e), [...rel, e])));
  }
  await walk(abs, []);
  // Component-wise byte order, whatever order the parallel walk found them in.
  files.sort((a, b) => {
    const n = Math.min(a.path.length, b.path.length);
    for (let i = 0; i < n; i++) {
      const c = cmpBytes(a.path[i] as string, b.path[i] as string);
      if (c !== 0) return c;
    }
    return a.path.length - b.path.length;
  });
  if (files.length === 0) throw new TesseraError('BAD_ARGUMENT', `${src}: no files to include`);
  return { name, single: false, files, skipped: skipped.sort(cmpBytes) };
}
