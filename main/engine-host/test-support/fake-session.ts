// An in-memory EngineSession for the host's unit tests (dispatcher, publisher, client, headless
// server): it "adds" any bytes as a torrent named after their SHA-1 and lets a test move progress.
// Only tests import this; the product always runs main/engine/session.ts.
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import type { FilePriority, FilesPage, TorrentDetail, TorrentSummary } from '../../../shared/snapshot.ts';
import { TesseraError } from '../../engine/errors.ts';
import type { SessionDhtOptions } from '../../engine/session-dht.ts';
import type { EngineAddOptions, EngineSession, EngineSessionSettings } from '../session-port.ts';

export class FakeSession extends EventEmitter implements EngineSession {
  readonly port = 6881;
  #settings: EngineSessionSettings;
  #torrents = new Map<string, TorrentSummary>();
  #files = new Map<string, Uint8Array>();
  /** Per torrent: [tier, url] in order. */
  #trackers = new Map<string, Array<[number, string]>>();
  readonly calls: string[] = [];

  constructor(settings: Partial<EngineSessionSettings> = {}) {
    super();
    this.#settings = { downloadDir: '/tmp/dl', listenPort: 0, maxConnections: 200, maxConnectionsPerTorrent: 50, maxUploadRate: 0,
      maxDownloadRate: 0, seedRatioLimit: 0, seedTimeLimit: 0, startPaused: false, encryption: 'prefer', utp: true, ...settings };
  }

  settings(): EngineSessionSettings { return { ...this.#settings }; }
  async updateSettings(p: Partial<EngineSessionSettings>): Promise<void> { this.#settings = { ...this.#settings, ...p }; }
  async setDht(o: SessionDhtOptions | null): Promise<void> { this.calls.push(`dht ${JSON.stringify(o)}`); }

  async addTorrent(bytes: Uint8Array, opts: EngineAddOptions = {}): Promise<TorrentSummary> {
    if (bytes.length < 4 || bytes[0] !== 0x64) throw new TesseraError('METAINFO_INVALID', 'not a bencoded dictionary');
    const id = createHash('sha1').update(bytes).digest('hex');
    const existing = this.#torrents.get(id);
    if (existing) return existing;
    const s: TorrentSummary = { id, name: `t-${id.slice(0, 6)}`, totalSize: 16 * 16384, doneBytes: 0, progress: 0,
      status: opts.paused ? 'paused' : 'downloading', downRate: 0, upRate: 0, downloaded: 0, uploaded: 0, peers: 0, seeds: 0,
      eta: -1, ratio: 0, savePath: opts.savePath ?? this.#settings.downloadDir, addedAt: 1, pieceCount: 16, pieceLength: 16384,
      magnet: `magnet:?xt=urn:btih:${id}` };
    this.#torrents.set(id, s);
    this.#files.set(id, bytes.slice());
    return s;
  }

  #need(id: string): TorrentSummary {
    const t = this.#torrents.get(id);
    if (!t) throw new TesseraError('NOT_FOUND', `no torrent ${id}`);
    return t;
  }
  pause(id: string): void { this.#torrents.set(id, { ...this.#need(id), status: 'paused' }); this.calls.push(`pause ${id}`); }
  resume(id: string): void { this.#torrents.set(id, { ...this.#need(id), status: 'downloading' }); this.calls.push(`resume ${id}`); }
  async remove(id: string, opts: { deleteData: boolean }): Promise<void> { this.#need(id); this.#torrents.delete(id); this.calls.push(`remove ${id} ${opts.deleteData}`); }
  setFilePriorities(id: string, p: Array<{ index: number; priority: FilePriority }>): void { this.#need(id); this.calls.push(`prio ${id} ${JSON.stringify(p)}`); }
  async recheck(id: string): Promise<void> { this.#need(id); this.calls.push(`recheck ${id}`); }
  async addTracker(id: string, url: string, tier?: number): Promise<void> {
    this.#need(id);
    const list = this.#trackers.get(id) ?? [];
    if (list.some(([, u]) => u === url)) throw new TesseraError('BAD_ARGUMENT', 'this torrent already has that tracker');
    list.push([tier ?? list.length, url]);
    this.#trackers.set(id, list);
    this.calls.push(`add-tracker ${id} ${url} ${tier ?? '-'}`);
  }
  async removeTracker(id: string, url: string): Promise<void> {
    this.#need(id);
    const list = this.#trackers.get(id) ?? [];
    const i = list.findIndex(([, u]) => u === url);
    if (i < 0) throw new TesseraError('NOT_FOUND', 'this torrent has no such tracker');
    list.splice(i, 1);
    this.calls.push(`remove-tracker ${id} ${url}`);
  }
  torrentFile(id: string): Uint8Array | undefined { return this.#files.get(id); }
  summaries(): TorrentSummary[] { return [...this.#torrents.values()]; }

  /** Test hook: mark `pieces` pieces done; emits torrent:completed at 100 %. */
  progress(id: string, pieces: number): void {
    const t = this.#need(id);
    const done = Math.min(pieces, t.pieceCount);
    const next = { ...t, doneBytes: done * t.pieceLength, progress: done / t.pieceCount, status: done === t.pieceCount ? 'seeding' as const : t.status };
    this.#torrents.set(id, next);
    if (done === t.pieceCount && t.progress < 1) this.emit('torrent:completed', next);
  }

  detail(id: string): TorrentDetail | undefined {
    const t = this.#torrents.get(id);
    if (!t) return undefined;
    const have = new Uint8Array(Math.ceil(t.pieceCount / 8));
    const done = Math.round(t.progress * t.pieceCount);
    for (let i = 0; i < done; i++) have[i >> 3]! |= 0x80 >> (i & 7);
    return { id, have, downloading: new Uint8Array(have.length), availability: new Uint16Array(t.pieceCount), seedCount: 1, peers: [],
      trackers: (this.#trackers.get(id) ?? []).map(([tier, url]) => ({ url, tier, status: 'idle' as const, peersReceived: 0, nextAnnounce: 0 })) };
  }

  /** A torrent of the fake has no file list (its torrents are summaries, not metainfo). */
  files(id: string, _from: number, _count: number): FilesPage | undefined {
    return this.#torrents.has(id) ? { total: 0, files: [] } : undefined;
  }

  async close(): Promise<void> { this.calls.push('close'); }
}
