// Turns untrusted path components (from a .torrent) into a path that is always inside `root`.
// Pure: node:path only. Rejects rather than rewrites, so two different torrents can never be
// silently mapped onto the same file.
import path from 'node:path';
import { TesseraError } from '../errors.ts';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

/** Only dots and spaces: Windows trims a name's trailing dots and spaces, which leaves "" or a
 *  relative ".." of it (".. " names the parent folder there). */
const DOTS_AND_SPACES = /^[. ]+$/;

/** Whether Windows' rules for names apply to the files here: on Windows itself. */
export const WINDOWS_NAMES = process.platform === 'win32';

/**
 * Why a single component is unsafe, or null when it is fine. `windows`: also refuse what Windows
 * cannot hold or would turn into something else — device names ("aux.c" opens a device there)
 * and names of only dots and spaces. Default: on Windows only, as qBittorrent and Transmission
 * do: "aux.c" is an ordinary file of many source trees on Linux and macOS, and a torrent holding
 * one must download and verify there. The parser always accepts such metadata.
 */
export function unsafeComponentReason(c: string, opts: { windows?: boolean } = {}): string | null {
  if (c.length === 0) return 'is empty';
  if (c === '.' || c === '..') return `is "${c}"`;
  if (c.includes('/') || c.includes('\\')) return 'contains a path separator';
  if (c.includes('\0')) return 'contains NUL';
  if (/^[a-zA-Z]:/.test(c)) return 'is a drive path';
  if (opts.windows ?? WINDOWS_NAMES) {
    if (WINDOWS_RESERVED.test(c)) return 'is a reserved Windows device name';
    if (DOTS_AND_SPACES.test(c)) return 'is only dots and spaces (Windows trims it to nothing or "..")';
  }
  return null;
}

// The last root resolved, with a separator at its end: callers join thousands of files under one root.
let lastRoot: string | null = null;
let lastBase = '';
function resolved(root: string): string {
  if (root !== lastRoot || !path.isAbsolute(root)) { // a relative root follows the working directory
    const base = path.resolve(root);
    lastBase = base.endsWith(path.sep) ? base : base + path.sep;
    lastRoot = root;
  }
  return lastBase;
}

export function safeJoin(root: string, components: readonly string[], opts: { windows?: boolean } = {}): string {
  if (components.length === 0) throw new TesseraError('PATH_UNSAFE', 'empty path');
  for (const c of components) {
    const why = unsafeComponentReason(c, opts);
    if (why !== null) throw new TesseraError('PATH_UNSAFE', `path component ${JSON.stringify(c)} ${why}`);
  }
  const base = resolved(root);
  // Plain names now (no separators, ".", "..", drive or NUL), so joined with the separator they
  // make a path inside base that is already normal: no path.join, whose normalising of every path
  // was a tenth of verifying a 5,000-file torrent.
  return base + components.join(path.sep);
}
