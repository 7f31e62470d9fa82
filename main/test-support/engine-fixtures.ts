// Payloads, torrents and comparisons for the engine's interop tests and the download benchmark.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TorrentFile } from '../engine/metainfo/types.ts';

export interface PayloadFile { path: string; size: number }

/** A torrent's files end to end from their paths and lengths (BEP 47 padding marked 'p'). */
export function fileLayout(specs: ReadonlyArray<{ path: string[]; length: number; padding?: boolean }>): { files: TorrentFile[]; total: number } {
  let off = 0;
  const files = specs.map((s) => {
    const f: TorrentFile = { path: s.path, length: s.length, offset: off, padding: s.padding ?? false, attr: s.padding ? 'p' : '' };
    off += s.length;
    return f;
  });
  return { files, total: off };
}

/** Write random files under dir (random data defeats any compression or dedup in the path). */
export async function makePayload(dir: string, files: PayloadFile[]): Promise<void> {
  for (const f of files) {
    const p = join(dir, f.path);
    await mkdir(dirname(p), { recursive: true });
    const fh = await open(p, 'w');
    try {
      const chunk = 4 << 20;
      for (let off = 0; off < f.size; off += chunk) {
        const n = Math.min(chunk, f.size - off);
        await fh.write(randomBytes(n), 0, n, off);
      }
    } finally {
      await fh.close();
    }
  }
}

/** mktorrent a file or folder; returns the .torrent bytes. log2Piece 15 = 32 KiB pieces. */
export function makeTorrent(path: string, out: string, opts: { log2Piece?: number; trackers?: string[] } = {}): Promise<Uint8Array> {
  const args = ['-l', String(opts.log2Piece ?? 16), '-t', '2', '-o', out, '-n', path.split('/').pop() ?? 'payload'];
  for (const t of opts.trackers ?? []) args.push('-a', t);
  args.push(path);
  const r = spawnSync('mktorrent', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mktorrent failed: ${r.stderr}`);
  return readFile(out);
}

export async function sha1File(p: string): Promise<string> {
  return createHash('sha1').update(await readFile(p)).digest('hex');
}

/** Byte-for-byte comparison of each relative path under two roots; returns the mismatching paths. */
export async function diffFiles(a: string, b: string, paths: string[]): Promise<string[]> {
  const bad: string[] = [];
  for (const p of paths) {
    try {
      const [x, y] = await Promise.all([readFile(join(a, p)), readFile(join(b, p))]);
      if (!x.equals(y)) bad.push(p);
    } catch {
      bad.push(p);
    }
  }
  return bad;
}

export async function exists(p: string): Promise<boolean> {
  try { await stat(p); return true; } catch { return false; }
}

/** Poll `check` every `everyMs` until it returns true or `timeoutMs` passes. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
