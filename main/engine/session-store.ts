// What the session keeps in stateDir, all written atomically (temp file, fsync, rename):
//   torrents.json         the torrent list: id, save path, paused, file priorities, added-at
//   <id>.torrent          the .torrent bytes as added
//   <id>.resume.json      have-bitfield (verified pieces), counters, file sizes+mtimes at save time
//   <id>.journal          pieces verified since that snapshot, appended as 4-byte indexes
//   <id>.layers           BEP 52 piece layers learned from peers (a v2 magnet), {rootHex: base64};
//                         re-checked against the pieces roots and put into the Metainfo on load
//
// Crash safety (kill -9 at any moment): a piece is appended to the journal only after its bytes
// were written, so snapshot ∪ journal never names a piece that is not on disk. A restart trusts
// both and re-hashes only pieces of files changed behind our back: a file that vanished, shrank or
// grew past its length, or — for a file whose every piece was verified at snapshot time, which we
// never write again — whose mtime moved (an incomplete file's mtime is not kept: our own in-flight
// writes move it at any moment). A torn last journal entry is ignored.
//
// Durability: kill -9 loses nothing (the kernel keeps every completed write). A power cut can
// lose the last unflushed writes; the journal is not fsynced per piece, so that window is the
// seconds before the cut. (One design for this: the pieces helper's storage/resume-data.ts,
// merged here and removed.)
import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { FilePriority } from '../../shared/snapshot.ts';
import type { Metainfo } from './metainfo/types.ts';
import { toHex } from './metainfo/hex.ts';
import { rootFromLayer } from './metainfo/merkle.ts';
import { pieceMapOf } from './torrent-v2.ts';
import { PieceMap } from './storage/piece-map.ts';
import { safeJoin } from './storage/safe-path.ts';
import { fileStats, type FileStat } from './storage/file-sizes.ts';
import { writeFileAtomic } from './storage/atomic-write.ts';
import type { Bitfield } from './wire/bitfield.ts';

// Re-exported for modules that imported it from here; the implementation is storage/atomic-write.ts.
export { writeFileAtomic };
import type { Torrent } from './torrent.ts';

export interface TorrentEntry {
  id: string;
  savePath: string;
  paused: boolean;
  filePriorities: FilePriority[];
  addedAt: number;
  /** Tracker tiers as the user left them (add/remove); absent = the torrent file's own. */
  trackers?: string[][];
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
  /** mtimeMs null: the file was not complete at snapshot time, so its mtime means nothing. */
  files: Array<{ size: number; mtimeMs: number | null } | null>;
}

const PRIORITIES = new Set<string>(['skip', 'low', 'normal', 'high']);

/** Saved tracker tiers, read like any untrusted input: string lists only, bounded (the Announcer caps the count again). */
function trackerTiersOf(v: unknown): string[][] | undefined {
  if (!Array.isArray(v) || v.length > 1000) return undefined;
  const out: string[][] = [];
  for (const tier of v) {
    if (!Array.isArray(tier)) return undefined;
    const urls = tier.filter((u): u is string => typeof u === 'string' && u.length > 0 && u.length <= 4096).slice(0, 1000);
    if (urls.length > 0) out.push(urls);
  }
  return out;
}

export function torrentRoot(meta: Metainfo, savePath: string): string {
  return meta.multiFile ? safeJoin(savePath, [meta.name]) : savePath;
}

/**
 * Size and mtime of the torrent's files on disk (all of them, or those `only` lists; the rest
 * null); null when absent or unreadable (its pieces are rechecked).
 */
function torrentFileStats(meta: Metainfo, savePath: string, only?: ReadonlySet<number>): Promise<Array<FileStat | null>> {
  const root = torrentRoot(meta, savePath);
  return fileStats(meta.files.map((f, i) => (f.padding || (only !== undefined && !only.has(i)) ? undefined : safeJoin(root, f.path))), false);
}

/** Whether every piece touching file i is verified (then we never write to it again). */
function fileComplete(map: PieceMap, i: number, have: Bitfield): boolean {
  const { first, last } = map.filePieceRange(i);
  for (let p = first; p <= last; p++) if (!have.get(p)) return false;
  return true;
}

export class SessionStore {
  readonly dir: string;
  #journals = new Map<string, Promise<void>>();
  /** Open append handles, one per torrent: a piece costs one write(2), not open+write+close. */
  #handles = new Map<string, FileHandle>();
  /** Learned piece layers already written, per torrent (the file is rewritten only when more arrive). */
  #layersSaved = new Map<string, number>();
  /**
   * Each torrent's file stats at its previous save, by its store: a save stats again only the files
   * the engine wrote since (a 50,000-file torrent: ~0.1-0.2 s of stats every few seconds of a
   * download otherwise). A file changed behind our back meanwhile keeps its older mtime here, so
   * the next load finds it changed (a fresh stat would have recorded the new mtime and hidden it).
   */
  #lastStats = new WeakMap<object, Array<FileStat | null>>();

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
        .map((e) => {
          const entry: TorrentEntry = { id: e.id, savePath: e.savePath, paused: e.paused === true, addedAt: Number(e.addedAt) || Date.now(),
            filePriorities: e.filePriorities.filter((p) => PRIORITIES.has(p)) };
          const trackers = trackerTiersOf(e.trackers);
          if (trackers !== undefined) entry.trackers = trackers;
          return entry;
        });
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
      files: [],
    };
    const map = t.pieceMap ?? new PieceMap(t.meta.files, t.meta.pieceLength, t.meta.totalLength);
    data.files = (await this.#currentStats(t)).map((st, i) => {
      const f = t.meta.files[i];
      if (st === null || f === undefined || f.length === 0) return st;
      return { size: st.size, mtimeMs: fileComplete(map, i, have) ? st.mtimeMs : null };
    });
    await writeFileAtomic(join(this.dir, `${id}.resume.json`), JSON.stringify(data));
    await this.#saveLayers(id, t);
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

  async #currentStats(t: Torrent): Promise<Array<FileStat | null>> {
    const written = t.store.takeWritten();
    const prev = this.#lastStats.get(t.store);
    let stats: Array<FileStat | null>;
    if (prev === undefined) stats = await torrentFileStats(t.meta, t.savePath);
    else {
      const fresh = await torrentFileStats(t.meta, t.savePath, written);
      stats = prev.map((st, i) => (written.has(i) ? fresh[i] ?? null : st));
    }
    this.#lastStats.set(t.store, stats);
    return stats;
  }

  /** Piece layers learned from peers: written once per newly completed file, never on every save. */
  async #saveLayers(id: string, t: Torrent): Promise<void> {
    const learned = typeof t.learnedLayers === 'function' ? t.learnedLayers() : new Map<string, Uint8Array>();
    if (learned.size === 0 || this.#layersSaved.get(id) === learned.size) return;
    // Layers loaded from this file at start are in the Metainfo now: write them again with the new.
    const out: Record<string, string> = {};
    for (const [hex, layer] of [...(t.meta.pieceLayers ?? []), ...learned]) out[hex] = Buffer.from(layer).toString('base64');
    await writeFileAtomic(join(this.dir, `${id}.layers`), JSON.stringify(out));
    this.#layersSaved.set(id, learned.size);
  }

  /**
   * Put saved piece layers into `meta.pieceLayers` (before the Torrent is built from it). Each one
   * is checked like a .torrent's 'piece layers': right length, hashing to its file's pieces root.
   */
  async loadLayers(id: string, meta: Metainfo): Promise<number> {
    let raw: unknown;
    try { raw = JSON.parse(await readFile(join(this.dir, `${id}.layers`), 'utf8')); } catch { return 0; }
    if (typeof raw !== 'object' || raw === null) return 0;
    const saved = raw as Record<string, unknown>;
    let n = 0;
    for (const f of meta.files) {
      if (f.piecesRoot === undefined || f.length <= meta.pieceLength) continue;
      const hex = toHex(f.piecesRoot);
      const v = saved[hex];
      if (typeof v !== 'string' || meta.pieceLayers?.has(hex) === true) continue;
      const layer = new Uint8Array(Buffer.from(v, 'base64'));
      if (layer.length !== Math.ceil(f.length / meta.pieceLength) * 32 || toHex(rootFromLayer(layer, meta.pieceLength)) !== hex) continue;
      meta.pieceLayers ??= new Map();
      meta.pieceLayers.set(hex, layer);
      n++;
    }
    this.#layersSaved.set(id, 0);
    return n;
  }

  async loadResume(id: string, meta: Metainfo, savePath: string): Promise<LoadedResume | undefined> {
    await this.loadLayers(id, meta);
    let data: ResumeFile;
    try {
      data = JSON.parse(await readFile(join(this.dir, `${id}.resume.json`), 'utf8')) as ResumeFile;
    } catch {
      data = { version: 1, have: '', uploaded: 0, downloaded: 0, paused: false, filePriorities: [], files: [] };
    }
    // The torrent's own piece map: a v2-only layout is piece-aligned and longer than totalLength.
    const map = pieceMapOf(meta);
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
    const now = await torrentFileStats(meta, savePath);
    const recheck = new Set<number>();
    for (let i = 0; i < meta.files.length; i++) {
      const f = meta.files[i];
      if (f === undefined || f.padding || f.length === 0) continue;
      const before = data.files[i] ?? null;
      const after = now[i] ?? null;
      // mtime only for files complete at snapshot time: our own in-flight writes move the mtime
      // of the others at any moment, so for them an mtime rule would re-hash the whole file after
      // every kill -9. A file that vanished, shrank below what the snapshot saw, grew past its
      // length, or (complete) was modified, was touched by someone else.
      const completeTouched = before !== null && typeof before.mtimeMs === 'number' && after !== null && after.mtimeMs !== before.mtimeMs;
      const changed = after === null || after.size < (before?.size ?? 0) || after.size > f.length || completeTouched;
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
    this.#layersSaved.delete(id);
    for (const suffix of ['.torrent', '.resume.json', '.journal', '.parts', '.layers']) await rm(join(this.dir, `${id}${suffix}`), { force: true });
  }
}
