// Turns untrusted path components (from a .torrent) into a path that is always inside `root`.
// Pure: node:path only. Rejects rather than rewrites, so two different torrents can never be
// silently mapped onto the same file.
import path from 'node:path';
import { TesseraError } from '../errors.ts';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

/**
 * Why a single component is unsafe, or null when it is fine. `reserved: false` skips the Windows
 * device-name check: the parser accepts a torrent holding "aux.c" (valid metadata, common in
 * source trees); only writing it through safeJoin refuses it.
 */
export function unsafeComponentReason(c: string, opts: { reserved?: boolean } = {}): string | null {
  if (c.length === 0) return 'is empty';
  if (c === '.' || c === '..') return `is "${c}"`;
  if (c.includes('/') || c.includes('\\')) return 'contains a path separator';
  if (c.includes('\0')) return 'contains NUL';
  if (/^[a-zA-Z]:/.test(c)) return 'is a drive path';
  if (opts.reserved !== false && WINDOWS_RESERVED.test(c)) return 'is a reserved Windows device name';
  return null;
}

export function safeJoin(root: string, components: readonly string[]): string {
  if (components.length === 0) throw new TesseraError('PATH_UNSAFE', 'empty path');
  for (const c of components) {
    const why = unsafeComponentReason(c);
    if (why !== null) throw new TesseraError('PATH_UNSAFE', `path component ${JSON.stringify(c)} ${why}`);
  }
  const base = path.resolve(root);
  // Plain names now (no separators, ".", "..", drive or NUL), so joining cannot leave base.
  const out = path.join(base, ...components);
  // Belt and braces, and cheap (verify calls this once per file): out is base, a separator, more.
  const sepAt = base.endsWith(path.sep) ? base.length - 1 : base.length;
  if (!out.startsWith(base) || out.length <= sepAt + 1 || out[sepAt] !== path.sep) {
    throw new TesseraError('PATH_UNSAFE', `path ${JSON.stringify(components.join('/'))} escapes the download folder`);
  }
  return out;
}
