// An LRU of open file handles, so a torrent of 10 000 files neither reopens a file per block nor
// holds 10 000 descriptors. A handle in use by an operation is never closed under it: eviction
// skips busy handles (the cache may briefly exceed its size rather than break an I/O).

import { open, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';

interface Entry {
  opening: Promise<FileHandle>;
  busy: number;
}

export class HandleCache {
  readonly #max: number;
  /** Map order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();

  constructor(maxOpen: number) {
    this.#max = Math.max(1, maxOpen);
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Run `fn` with a handle on `path`. `create` opens read-write and creates the file (never
   * truncating an existing one); `onCreate` runs once on a file this call created, before `fn`.
   */
  async use<T>(
    path: string,
    mode: { write: boolean; create?: boolean; onCreate?: (fh: FileHandle) => Promise<void> },
    fn: (fh: FileHandle) => Promise<T>,
  ): Promise<T> {
    // Reads open read-write when they can, so a later write reuses the handle; a file we may
    // only read fails that write with a clear error instead.
    let e = this.#entries.get(path);
    if (e) {
      this.#entries.delete(path); // re-insert as most recent
      this.#entries.set(path, e);
    } else {
      e = { opening: this.#open(path, mode), busy: 0 };
      this.#entries.set(path, e);
      e.opening.catch(() => {
        if (this.#entries.get(path) === e) this.#entries.delete(path);
      });
    }
    e.busy++;
    try {
      const fh = await e.opening;
      return await fn(fh);
    } finally {
      e.busy--;
      await this.#evict();
    }
  }

  /** Close one path's handle (before deleting or renaming the file). */
  async closePath(path: string): Promise<void> {
    const e = this.#entries.get(path);
    if (e) await this.#close(path, e);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#entries].map(([p, e]) => this.#close(p, e)));
  }

  async #open(path: string, mode: { write: boolean; create?: boolean; onCreate?: (fh: FileHandle) => Promise<void> }): Promise<FileHandle> {
    if (!mode.write) {
      try {
        return await open(path, constants.O_RDWR);
      } catch (err) {
        // Seeding from read-only media or a file we may not write: reading is all we need.
        if (isCode(err, 'EACCES') || isCode(err, 'EPERM') || isCode(err, 'EROFS')) return open(path, constants.O_RDONLY);
        throw err;
      }
    }
    if (!mode.create) return open(path, constants.O_RDWR);
    // O_EXCL first, to know whether this call created the file (and must size it).
    try {
      const fh = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        await mode.onCreate?.(fh);
      } catch (err) {
        await fh.close();
        throw err;
      }
      return fh;
    } catch (err) {
      if (!isCode(err, 'EEXIST')) throw err;
      return open(path, constants.O_RDWR);
    }
  }

  async #close(path: string, e: Entry): Promise<void> {
    if (this.#entries.get(path) === e) this.#entries.delete(path);
    try {
      const fh = await e.opening;
      await fh.close();
    } catch {
      // Failed to open: nothing to close. Already closed: fine.
    }
  }

  async #evict(): Promise<void> {
    if (this.#entries.size <= this.#max) return;
    const victims: Array<[string, Entry]> = [];
    let excess = this.#entries.size - this.#max;
    for (const [p, e] of this.#entries) {
      if (excess <= 0) break;
      if (e.busy > 0) continue;
      victims.push([p, e]);
      excess--;
    }
    await Promise.all(victims.map(([p, e]) => this.#close(p, e)));
  }
}

export function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
