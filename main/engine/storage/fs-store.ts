// Piece data on disk: the I/O edge under the pure PieceMap.
//
// - Every path goes through safeJoin, checked once up front: a torrent whose paths escape the
//   download folder, or that maps two files onto one path, is refused before any byte is written.
// - Files are created on their first write, so a skipped file is never created. They are created
//   with their final length at once (ftruncate: a sparse file on ext4/xfs/btrfs/APFS/NTFS-sparse):
//   random-order writes then never grow the file, a file's size means "ours and intact" to the
//   resume check, and a kill -9 never leaves a short file behind. (The cost — a full-size
//   allocation on filesystems without holes, e.g. FAT — is the same libtorrent accepts by default.)
// - Padding files (BEP 47) are never touched: their spans read as zeros.
// - A piece shared by a skipped file and a wanted one still has to be stored whole (to serve it
//   and to re-check it). The skipped file's part goes to a "part file" at its torrent-stream
//   offset (sparse, so it costs only what is written); when the file is later un-skipped and
//   created, those bytes are copied into it. Reads of a file that does not exist come from the
//   part file. The rule depends only on whether the real file exists, so it survives restarts.
// - Open handles are kept in an LRU (HandleCache).

import { writeSync } from 'node:fs';
import { mkdir, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { TorrentFile } from '../metainfo/types.ts';
import type { PieceMap } from './piece-map.ts';
import type { ReadSegment } from '../hashing/hash-pool.ts';
import { safeJoin } from './safe-path.ts';
import { fileStats, type FileStat } from './file-sizes.ts';
import { HandleCache, isCode } from './handle-cache.ts';
import { TesseraError } from '../errors.ts';
import { InlineWrites, inlineWritesAllowed } from './inline-writes.ts';

/**
 * Most bytes per write call (inline or through the thread pool, inline-writes.ts says which; in
 * the pool a piece's calls are issued together). A large write into the page
 * cache makes the kernel allocate large folios for it (ext4 on Linux 6.x), and finding that much
 * contiguous free memory costs when memory is fragmented. Measured on this machine (npm run
 * bench:writes, and leeching 1 GiB from a libtorrent seed with each size in alternation): 1 MiB
 * calls cost 1.0-2.7 s of system time per GiB, 128 KiB calls 0.2-0.45 s, and the leech ran at
 * 244-292 MB/s instead of 169-230 (issuing a piece's calls together rather than one after another:
 * 292-309 MB/s instead of 240-267). 64 KiB calls were sometimes cheaper in the kernel, but twice
 * as many of them made the leech slower (197/185/185 vs 215/207/226 MB/s).
 */
export const WRITE_CHUNK = 128 * 1024;

export interface FsStoreOptions {
  /** Most file handles kept open (default 64). */
  maxOpenFiles?: number;
  /** Where pieces' bytes belonging to skipped files go (default `<root>/.tessera.parts`; pass one per torrent). */
  partFile?: string;
  /** Write pieces on the calling thread while the disk keeps up (inline-writes.ts); default true. */
  inlineWrites?: boolean;
}

/** Where a torrent's files go: the save path for a single-file torrent, `<savePath>/<name>` otherwise. */
export function contentRoot(savePath: string, meta: { multiFile: boolean; name: string }): string {
  return meta.multiFile ? safeJoin(savePath, [meta.name]) : path.resolve(savePath);
}

export class FsStore {
  readonly root: string;
  readonly #files: readonly TorrentFile[];
  readonly #map: PieceMap;
  readonly #paths: Array<string | undefined>;
  readonly #partFile: string;
  readonly #cache: HandleCache;
  #skipped = new Set<number>();
  /** Per file: known to exist on disk (true), known absent (false), not looked yet (undefined). */
  #exists: Array<boolean | undefined>;
  /** Paths written since the last sync(). */
  readonly #dirty = new Set<string>();
  /** Indices of the files written since the last takeWritten(). */
  #written = new Set<number>();
  #inline: InlineWrites | null;
  /** Whether the files' filesystem allows inline writes: decided at the first write. */
  #inlineChecked = false;
  #closed = false;

  constructor(root: string, files: readonly TorrentFile[], pieceMap: PieceMap, opts: FsStoreOptions = {}) {
    this.root = path.resolve(root);
    this.#files = files;
    this.#map = pieceMap;
    this.#cache = new HandleCache(opts.maxOpenFiles ?? 64);
    this.#inline = opts.inlineWrites === false ? null : new InlineWrites();
    this.#partFile = opts.partFile ?? safeJoin(this.root, ['.tessera.parts']);
    const seen = new Set<string>();
    this.#paths = files.map((f) => {
      if (f.padding) return undefined;
      const p = safeJoin(this.root, f.path);
      const k = foldCase(p);
      if (seen.has(k) || p === this.#partFile) {
        throw new TesseraError('PATH_UNSAFE', `two files map to ${JSON.stringify(f.path.join('/'))}`);
      }
      seen.add(k);
      return p;
    });
    // A file that is also a directory of another ("a" and "a/b") cannot both exist.
    for (const p of this.#paths) {
      if (p === undefined) continue;
      for (let d = path.dirname(p); d.length > this.root.length; d = path.dirname(d)) {
        if (seen.has(foldCase(d))) throw new TesseraError('PATH_UNSAFE', `${JSON.stringify(d)} is both a file and a folder`);
      }
    }
    this.#exists = new Array<boolean | undefined>(files.length);
  }

  /** Absolute path of a file (undefined for padding files). */
  filePath(fileIndex: number): string | undefined {
    return this.#paths[fileIndex];
  }

  /** Files not to create. Data of theirs that shares a piece with a wanted file goes to the part file. */
  setSkipped(fileIndexes: ReadonlySet<number>): void {
    this.#skipped = new Set(fileIndexes);
  }

  async write(piece: number, begin: number, data: Uint8Array): Promise<void> {
    this.#open();
    for (const s of this.#spans(piece, begin, data.length)) {
      if (s.padding || s.length === 0) continue;
      const chunk = data.subarray(s.pieceOffset - begin, s.pieceOffset - begin + s.length);
      if (this.#skipped.has(s.fileIndex) && !(await this.#fileExists(s.fileIndex))) {
        const f = this.#files[s.fileIndex] as TorrentFile;
        await this.#writeAt(this.#partFile, chunk, f.offset + s.fileOffset, async () => {});
      } else {
        await this.#writeFile(s.fileIndex, chunk, s.fileOffset);
      }
    }
  }

  async read(piece: number, begin: number, length: number): Promise<Uint8Array> {
    this.#open();
    const out = new Uint8Array(length);
    for (const s of this.#spans(piece, begin, length)) {
      if (s.padding || s.length === 0) continue; // zeros
      const dest = out.subarray(s.pieceOffset - begin, s.pieceOffset - begin + s.length);
      const f = this.#files[s.fileIndex] as TorrentFile;
      if (await this.#fileExists(s.fileIndex)) {
        await this.#readAt(this.#paths[s.fileIndex] as string, dest, s.fileOffset, true);
      } else if (this.#skipped.has(s.fileIndex)) {
        await this.#readAt(this.#partFile, dest, f.offset + s.fileOffset, false);
      } else {
        throw new TesseraError('NOT_FOUND', `file ${f.path.join('/')} has not been written`);
      }
    }
    return out;
  }

  /**
   * The whole piece as it goes on the wire: in a v2 layout a file's tail piece is full-size, the
   * gap after the file's end reading as zeros (implicit padding), so peers can request any block.
   */
  readPiece(piece: number): Promise<Uint8Array> {
    const m = this.#map;
    return this.read(piece, 0, Math.min(m.pieceLength, m.totalLength - piece * m.pieceLength));
  }

  /**
   * Where pieces [first, first + count) lie on disk, as segments a hash-pool worker reads itself
   * (HashPool.readHash: page-aligned memory, off the engine thread); null when a file holding any
   * of their bytes has not been written. Adjacent spans of one file merge into one segment; a
   * short file reads as zeros past its end, so its pieces fail their hash.
   */
  async diskSegments(first: number, count: number): Promise<ReadSegment[] | null> {
    this.#open();
    const m = this.#map;
    const segs: ReadSegment[] = [];
    for (let p = first; p < first + count; p++) {
      for (const s of this.#spans(p, 0, Math.min(m.pieceLength, m.totalLength - p * m.pieceLength))) {
        if (s.length === 0) continue;
        let file: string | null = null;
        let pos = 0;
        if (!s.padding) {
          if (await this.#fileExists(s.fileIndex)) {
            file = this.#paths[s.fileIndex] as string;
            pos = s.fileOffset;
          } else if (this.#skipped.has(s.fileIndex)) {
            file = this.#partFile;
            pos = (this.#files[s.fileIndex] as TorrentFile).offset + s.fileOffset;
          } else {
            return null;
          }
        }
        const last = segs[segs.length - 1];
        if (last !== undefined && last.path === file && (file === null || last.pos + last.len === pos)) {
          last.len += s.length;
          if (file !== null) last.avail += s.length;
        } else {
          segs.push({ path: file, pos, len: s.length, avail: file === null ? 0 : s.length, blocks: false, strict: false });
        }
      }
    }
    return segs;
  }

  /** fdatasync every file written since the last call: call before saving resume data. */
  async sync(): Promise<void> {
    const paths = [...this.#dirty];
    this.#dirty.clear();
    for (const p of paths) {
      try {
        await this.#cache.use(p, { write: false }, (fh) => fh.datasync());
      } catch (err) {
        this.#dirty.add(p); // still not known durable
        throw ioError(`sync ${p}`, err);
      }
    }
  }

  /** Size and mtime of each file on disk; null when absent (and always for padding files). */
  existingFiles(): Promise<Array<FileStat | null>> {
    return fileStats(this.#paths, true);
  }

  /** The indices of the files written since the previous call (the resume save stats only these again). */
  takeWritten(): Set<number> {
    const written = this.#written;
    this.#written = new Set();
    return written;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.sync();
    } finally {
      this.#closed = true;
      await this.#cache.closeAll();
    }
  }

  /** Delete every file of this torrent, the part file, and folders left empty below the root. */
  async deleteAll(): Promise<void> {
    this.#closed = true;
    await this.#cache.closeAll();
    this.#dirty.clear();
    const dirs = new Set<string>();
    for (const p of [...this.#paths, this.#partFile]) {
      if (p === undefined) continue;
      await rm(p, { force: true });
      for (let d = path.dirname(p); d.length > this.root.length && d.startsWith(this.root); d = path.dirname(d)) dirs.add(d);
    }
    this.#exists = new Array<boolean | undefined>(this.#files.length);
    // Deepest first, so a parent is tried after its children.
    for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
      try {
        await rmdir(d);
      } catch {
        // Not empty (the user's own files) or already gone: leave it.
      }
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  #open(): void {
    if (this.#closed) throw new TesseraError('IO_ERROR', 'storage is closed');
  }

  #spans(piece: number, begin: number, length: number): ReturnType<PieceMap['spans']> {
    try {
      return this.#map.spans(piece, begin, length);
    } catch (err) {
      throw new TesseraError('BAD_ARGUMENT', `no such range: piece ${piece} ${begin}+${length}`, { cause: err });
    }
  }

  async #fileExists(i: number): Promise<boolean> {
    const known = this.#exists[i];
    if (known !== undefined) return known;
    const p = this.#paths[i];
    if (p === undefined) return false;
    let ok = false;
    try {
      ok = (await stat(p)).isFile();
    } catch (err) {
      if (!isCode(err, 'ENOENT') && !isCode(err, 'ENOTDIR')) throw ioError(`stat ${p}`, err);
    }
    // Only cache "exists": absence is re-checked until we create it ourselves.
    if (ok) this.#exists[i] = true;
    return ok;
  }

  async #writeFile(i: number, chunk: Uint8Array, offset: number): Promise<void> {
    const p = this.#paths[i] as string;
    const f = this.#files[i] as TorrentFile;
    if (this.#exists[i] !== true) await mkdir(path.dirname(p), { recursive: true }).catch((err: unknown) => {
      throw ioError(`mkdir for ${p}`, err);
    });
    try {
      await this.#writeAt(p, chunk, offset, async (fh) => {
        await fh.truncate(f.length);
        await this.#adoptFromPartFile(i, fh);
      });
    } finally {
      // After the write: a resume save running meanwhile stats the file again next time.
      this.#written.add(i);
    }
    this.#exists[i] = true;
  }

  /** A skipped file being created: copy its bytes that were parked in the part file. */
  async #adoptFromPartFile(i: number, fh: FileHandle): Promise<void> {
    const f = this.#files[i] as TorrentFile;
    try {
      await stat(this.#partFile);
    } catch {
      return;
    }
    // Only the file's first and last pieces can have been downloaded while it was skipped: a
    // piece lying wholly inside a skipped file has priority 0 and is never requested.
    const pl = this.#map.pieceLength;
    const regions = new Map<number, number>(); // file offset → length
    const { first, last } = this.#map.filePieceRange(i);
    for (const p of new Set([first, last])) {
      const a = Math.max(f.offset, p * pl);
      const b = Math.min(f.offset + f.length, (p + 1) * pl);
      if (b > a) regions.set(a - f.offset, b - a);
    }
    for (const [off, len] of regions) {
      const buf = new Uint8Array(len);
      const n = await this.#readAt(this.#partFile, buf, f.offset + off, false);
      if (n > 0) await fh.write(buf, 0, n, off);
    }
  }

  async #writeAt(p: string, chunk: Uint8Array, position: number, onCreate: (fh: FileHandle) => Promise<void>): Promise<void> {
    try {
      // Decided on the torrent's own files (the part file may live on another filesystem).
      const partFile = p === this.#partFile;
      if (this.#inline && !this.#inlineChecked && !partFile) {
        this.#inlineChecked = true;
        if (!(await inlineWritesAllowed(path.dirname(p)))) this.#inline = null;
      }
      await this.#cache.use(p, { write: true, create: true, onCreate }, async (fh) => {
        if (this.#inlineChecked && !partFile && this.#inline?.now) {
          const t0 = performance.now();
          for (let done = 0; done < chunk.length;) {
            const n = writeSync(fh.fd, chunk, done, Math.min(WRITE_CHUNK, chunk.length - done), position + done);
            if (n <= 0) throw new TesseraError('IO_ERROR', `wrote 0 bytes to ${p}`);
            done += n;
          }
          this.#inline.took(performance.now() - t0);
          return;
        }
        // All of a chunk's calls at once: each is a round trip to the thread pool, and one at a
        // time they cost a loop turn each (a turn can be milliseconds while a fast peer streams in).
        const parts: Promise<void>[] = [];
        for (let o = 0; o < chunk.length; o += WRITE_CHUNK) {
          parts.push(writeFully(fh, chunk.subarray(o, Math.min(chunk.length, o + WRITE_CHUNK)), position + o, p));
        }
        // Settle every call before the handle is released (it may be closed once no longer busy).
        const failed = (await Promise.allSettled(parts)).find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      });
      this.#dirty.add(p);
    } catch (err) {
      throw ioError(`write ${p}`, err);
    }
  }

  /** Fill `dest` from `p` at `position`. `strict`: a short file is an error; otherwise the rest stays zero. */
  async #readAt(p: string, dest: Uint8Array, position: number, strict: boolean): Promise<number> {
    try {
      return await this.#cache.use(p, { write: false }, async (fh) => {
        let done = 0;
        while (done < dest.length) {
          const { bytesRead } = await fh.read(dest, done, dest.length - done, position + done);
          if (bytesRead === 0) {
            if (strict) throw new TesseraError('IO_ERROR', `${p} is shorter than the torrent says`);
            break;
          }
          done += bytesRead;
        }
        return done;
      });
    } catch (err) {
      if (!strict && isCode(err, 'ENOENT')) return 0;
      throw ioError(`read ${p}`, err);
    }
  }
}

// On macOS and Windows "A.txt" and "a.txt" are one file (default filesystems are case-insensitive).
const CASE_INSENSITIVE = process.platform === 'darwin' || process.platform === 'win32';
function foldCase(p: string): string {
  return CASE_INSENSITIVE ? p.toLowerCase() : p;
}

function ioError(what: string, err: unknown): TesseraError {
  if (err instanceof TesseraError) return err;
  return new TesseraError('IO_ERROR', `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

async function writeFully(fh: FileHandle, bytes: Uint8Array, position: number, p: string): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten <= 0) throw new TesseraError('IO_ERROR', `wrote 0 bytes to ${p}`);
    done += bytesWritten;
  }
}
