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

  async function walk(dir: string, rel: string[]): Promise<void> {
    const entries = (await readdir(dir)).sort(cmpBytes);
    for (const e of entries) {
      const p = path.join(dir, e);
      const relPath = [...rel, e];
      const relStr = relPath.join('/');
      if (exclude.length && matches(exclude, relStr)) continue;
      let s = await lstat(p);
      if (s.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(p);
        } catch {
          skipped.push(relStr); // dangling link
          continue;
        }
        if (!inside(rootReal, target)) { skipped.push(relStr); continue; }
        s = await stat(p);
        if (s.isDirectory()) {
          if (seenDirs.has(target)) continue;
          seenDirs.add(target);
        }
      } else if (s.isDirectory()) {
        seenDirs.add(await realpath(p));
      }
      if (s.isDirectory()) await walk(p, relPath);
      else if (s.isFile()) {
        if (include.length && !matches(include, relStr)) continue;
        files.push({ path: relPath, abs: p, length: s.size });
      }
    }
  }
  await walk(abs, []);
  // readdir order per directory already sorted; a full sort keeps component-wise byte order.
  files.sort((a, b) => {
    const n = Math.min(a.path.length, b.path.length);
    for (let i = 0; i < n; i++) {
      const c = cmpBytes(a.path[i] as string, b.path[i] as string);
      if (c !== 0) return c;
    }
    return a.path.length - b.path.length;
  });
  if (files.length === 0) throw new TesseraError('BAD_ARGUMENT', `${src}: no files to include`);
  return { name, single: false, files, skipped };
}
