// What the session keeps in stateDir, all written atomically (temp file, fsync, rename):
//   torrents.json         the torrent list: id, save path, paused, file priorities, added-at
//   <id>.torrent          the .torrent bytes as added
//   <id>.resume.json      have-bitfield (verified pieces), counters, file sizes+mtimes at save time
//   <id>.journal          pieces verified since that snapshot, appended as 4-byte indexes
//
// Crash safety (kill -9 at any moment): a piece is appended to the journal only after its bytes
// were written, so snapshot ∪ journal never names a piece that is not on disk. A restart trusts
// both and re-hashes only pieces of files that vanished, shrank or grew past their length (mtime is
// recorded but not trusted: in-flight writes move it). A torn last journal entry is ignored.
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FilePriority } from '../../shared/snapshot.ts';
import type { Metainfo } from './metainfo/types.ts';
import { PieceMap } from './storage/piece-map.ts';
import { safeJoin } from './storage/safe-path.ts';
import type { Torrent } from './torrent.ts';

export interface TorrentEntry {
  id: string;
  savePath: string;
  paused: boolean;
  filePriorities: FilePriority[];
  addedAt: number;
}

export interface LoadedResume {
  have: Uint8Array;
  recheck: number[];
  uploaded: number;
  downloaded: number;
  paused: boolean;
  filePriorities: FilePriority[];
  /** Pieces the journal added on top of the snapshot (for tests and the CLI). */
  journaled: number;
}

interface ResumeFile {
  version: 1;
  have: string; // base64
  uploaded: number;
  downloaded: number;
  paused: boolean;
  filePriorities: FilePriority[];
  files: Array<{ size: number; mtimeMs: number } | null>;
}

const PRIORITIES = new Set<string>(['skip', 'low', 'normal', 'high']);

export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  try {
    const dir = await open(dirname(path), 'r');
    try { await dir.sync(); } finally { await dir.close(); }
  } catch { /* some platforms cannot fsync a directory; the rename is still atomic */ }
}

export function torrentRoot(meta: Metainfo, savePath: string): string {
  return meta.multiFile ? safeJoin(savePath, [meta.name]) : savePath;
}

async function fileStats(meta: Metainfo, savePath: string): Promise<Array<{ size: number; mtimeMs: number } | null>> {
  const root = torrentRoot(meta, savePath);
  return Promise.all(meta.files.map(async (f) => {
    if (f.padding) return null;
    try {
      const s = await stat(safeJoin(root, f.path));
      return { size: s.size, mtimeMs: s.mtimeMs };
    } catch {
      return null;
    }
  }));
}

export class SessionStore {
  readonly dir: string;
  #journals = new Map<string, Promise<void>>();
  /** Open append handles, one per torrent: a piece costs one write(2), not open+write+close. */
  #handles = new Map<string, FileHandle>();

  constructor(dir: string) {
    this.dir = dir;
  }

  async loadList(): Promise<TorrentEntry[]> {
    let raw: string;
    try { raw = await readFile(join(this.dir, 'torrents.json'), 'utf8'); } catch { return []; }
    try {
      const v = JSON.parse(raw) as unknown;
      if (!Array.isArray(v)) return [];
      return v.filter((e): e is TorrentEntry => typeof e === 'object' && e !== null &&
        typeof (e as TorrentEntry).id === 'string' && /^[0-9a-f]{40}$/.test((e as TorrentEntry).id) &&
        typeof (e as TorrentEntry).savePath === 'string' && Array.isArray((e as TorrentEntry).filePriorities))
        .map((e) => ({ id: e.id, savePath: e.savePath, paused: e.paused === true, addedAt: Number(e.addedAt) || Date.now(),
          filePriorities: e.filePriorities.filter((p) => PRIORITIES.has(p)) }));
    } catch {
      return [];
    }
  }

  saveList(entries: TorrentEntry[]): Promise<void> {
    return writeFileAtomic(join(this.dir, 'torrents.json'), JSON.stringify(entries, null, 1));
  }

  saveTorrentFile(id: string, bytes: Uint8Array): Promise<void> {
    return writeFileAtomic(join(this.dir, `${id}.torrent`), bytes);
  }

  async loadTorrentFile(id: string): Promise<Uint8Array> {
    return readFile(join(this.dir, `${id}.torrent`));
  }

  /** Record one verified, written piece (called in that order by the torrent). */
  journal(id: string, piece: number): Promise<void> {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(piece);
    // Appends for one torrent are serialised so entries never interleave.
    const prev = this.#journals.get(id) ?? Promise.resolve();
    const next = prev.then(async () => {
      let fh = this.#handles.get(id);
      if (fh === undefined) {
        fh = await open(join(this.dir, `${id}.journal`), 'a');
        this.#handles.set(id, fh);
      }
      await fh.write(b, 0, 4);
    }).catch(() => undefined);
    this.#journals.set(id, next);
    return next;
  }

  async #closeJournal(id: string): Promise<void> {
    const fh = this.#handles.get(id);
    this.#handles.delete(id);
    await fh?.close().catch(() => undefined);
  }

  /** Close every journal handle (session close). */
  async close(): Promise<void> {
    await Promise.all([...this.#journals.values()]);
    for (const id of [...this.#handles.keys()]) await this.#closeJournal(id);
  }

  /**
   * Snapshot a torrent's state, then replace the journal with just the pieces verified since the
   * snapshot was taken. The replacement runs in the journal's own queue, so no append can slip
   * between reading the have-bitfield and rewriting the file.
   */
  async saveResume(t: Torrent): Promise<void> {
    const id = t.id;
    const have = t.haveBitfield();
    const data: ResumeFile = {
      version: 1,
      have: Buffer.from(have.bytes).toString('base64'),
      uploaded: t.uploaded,
      downloaded: t.downloaded,
      paused: t.paused,
      filePriorities: t.filePriorities,
      files: await fileStats(t.meta, t.savePath),
    };
    await writeFileAtomic(join(this.dir, `${id}.resume.json`), JSON.stringify(data));
    const prev = this.#journals.get(id) ?? Promise.resolve();
    const next = prev.then(async () => {
      const extra: number[] = [];
      for (const p of t.haveBitfield().setBits()) if (!have.get(p)) extra.push(p);
      const path = join(this.dir, `${id}.journal`);
      // The file is about to be replaced: an open handle would keep appending to the old inode.
      await this.#closeJournal(id);
      if (extra.length === 0) await rm(path, { force: true });
      else {
        const b = Buffer.alloc(extra.length * 4);
        extra.forEach((p, i) => b.writeUInt32BE(p, i * 4));
        await writeFileAtomic(path, b);
      }
    }).catch(() => undefined);
    this.#journals.set(id, next);
    await next;
  }

  async loadResume(id: string, meta: Metainfo, savePath: string): Promise<LoadedResume | undefined> {
    let data: ResumeFile;
    try {
      data = JSON.parse(await readFile(join(this.dir, `${id}.resume.json`), 'utf8')) as ResumeFile;
    } catch {
      data = { version: 1, have: '', uploaded: 0, downloaded: 0, paused: false, filePriorities: [], files: [] };
    }
    const map = new PieceMap(meta.files, meta.pieceLength, meta.totalLength);
    const size = Math.ceil(map.pieceCount / 8);
    let have = new Uint8Array(Buffer.from(typeof data.have === 'string' ? data.have : '', 'base64'));
    if (have.length !== size) have = new Uint8Array(size);
    // Journal: pieces verified after the snapshot.
    let journaled = 0;
    try {
      const j = await readFile(join(this.dir, `${id}.journal`));
      for (let o = 0; o + 4 <= j.length; o += 4) {
        const p = j.readUInt32BE(o);
        if (p >= map.pieceCount) continue;
        const mask = 0x80 >> (p & 7);
        if (((have[p >> 3] ?? 0) & mask) === 0) journaled++;
        have[p >> 3] = (have[p >> 3] ?? 0) | mask;
      }
    } catch { /* no journal */ }
    const noResume = data.have === '' && journaled === 0;
    if (noResume) return undefined;
    const now = await fileStats(meta, savePath);
    const recheck = new Set<number>();
    for (let i = 0; i < meta.files.length; i++) {
      const f = meta.files[i];
      if (f === undefined || f.padding || f.length === 0) continue;
      const before = data.files[i] ?? null;
      const after = now[i] ?? null;
      // Size only, not mtime: our own in-flight writes move mtime at any moment, so an mtime rule
      // would re-hash the whole file after every kill -9. A file that vanished, shrank below what
      // the snapshot saw, or grew past its length was touched by someone else.
      const changed = after === null || after.size < (before?.size ?? 0) || after.size > f.length;
      if (changed) {
        const { first, last } = map.filePieceRange(i);
        for (let p = first; p <= last; p++) if (((have[p >> 3] ?? 0) & (0x80 >> (p & 7))) !== 0) recheck.add(p);
      }
    }
    const prios = Array.isArray(data.filePriorities) && data.filePriorities.length === meta.files.length &&
      data.filePriorities.every((p) => PRIORITIES.has(p)) ? data.filePriorities : undefined;
    return {
      have, recheck: [...recheck], journaled,
      uploaded: Number(data.uploaded) || 0, downloaded: Number(data.downloaded) || 0,
      paused: data.paused === true,
      filePriorities: prios ?? meta.files.map(() => 'normal'),
    };
  }

  partFile(id: string): string {
    return join(this.dir, `${id}.parts`);
  }

  async forget(id: string): Promise<void> {
    await (this.#journals.get(id) ?? Promise.resolve());
    await this.#closeJournal(id);
    this.#journals.delete(id);
    for (const suffix of ['.torrent', '.resume.json', '.journal', '.parts']) await rm(join(this.dir, `${id}${suffix}`), { force: true });
  }
}
