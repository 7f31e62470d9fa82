// Crash-safe replacement of a small file (resume data, the torrent list): after a crash or
// kill -9 at any instant the path holds either the old bytes or the new ones, never a mix.
// Write a temp file in the same directory (rename is only atomic within one filesystem), fsync
// it (else the rename can reach the disk before the data and leave an empty file after a power
// cut), rename over the target, then fsync the directory so the rename itself is durable.

import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { TesseraError } from '../errors.ts';

/** The one atomic write of the codebase (resume data, torrent list, settings, tokens). `mode` 0o600 for secrets. */
export async function writeFileAtomic(target: string, bytes: Uint8Array | string, mode = 0o644): Promise<void> {
  const dir = path.dirname(target);
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw new TesseraError('IO_ERROR', `could not write ${target}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  await fsyncDir(dir);
}

async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows cannot open or fsync a directory; there the rename is as durable as it gets.
  } finally {
    await fh?.close().catch(() => {});
  }
}
