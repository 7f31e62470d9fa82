// Serves the built renderer (out/renderer) read-only: GET/HEAD only, no directory listings, no
// dotfiles, never a path outside the root (decoded, normalised and checked by prefix).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.map': 'application/json', '.txt': 'text/plain; charset=utf-8',
};

/** Maps a URL pathname to a file under root, or undefined when it is not servable. */
export function resolveStatic(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (rel.split('/').some((seg) => seg.startsWith('.'))) return undefined;
  const base = resolve(root);
  const full = resolve(base, normalize(rel));
  if (full !== base && !full.startsWith(base + sep)) return undefined;
  return full;
}

export async function serveStatic(root: string, pathname: string, method: string, res: ServerResponse, headers: Record<string, string>): Promise<void> {
  const file = resolveStatic(root, pathname);
  const st = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !st || !st.isFile()) {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  const isHtml = extname(file) === '.html';
  res.writeHead(200, {
    ...headers,
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(st.size),
    // Vite puts a content hash in asset names; the page itself must always be fresh.
    'cache-control': isHtml ? 'no-store' : 'private, max-age=31536000, immutable',
  });
  if (method === 'HEAD') { res.end(); return; }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export function rendererMissingPage(dir: string): string {
  return `The renderer is not built (${join(dir, 'index.html')} is missing). Run: npm run build:renderer\n`;
}
