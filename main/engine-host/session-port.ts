// The part of the engine's Session (main/engine/session.ts) the host uses, as an interface so the
// dispatcher and publisher can be unit-tested with a small in-memory session. The real Session
// satisfies it structurally (worker.ts passes one in).
import type { FilePriority, FilesPage, TorrentDetail, TorrentSummary } from '../../shared/snapshot.ts';
import type { SessionDhtOptions } from '../engine/session-dht.ts';

export interface EngineSessionSettings {
  downloadDir: string; listenPort: number; maxConnections: number; maxConnectionsPerTorrent: number;
  maxUploadRate: number; maxDownloadRate: number; seedRatioLimit: number; seedTimeLimit: number; startPaused: boolean;
  encryption: 'plaintext' | 'prefer' | 'require'; utp: boolean;
}

export interface EngineAddOptions { savePath?: string; paused?: boolean }

export interface EngineSession {
  readonly port: number;
  settings(): EngineSessionSettings;
  updateSettings(p: Partial<EngineSessionSettings>): Promise<void>;
  addTorrent(bytes: Uint8Array, opts?: EngineAddOptions): Promise<TorrentSummary>;
  pause(id: string): void;
  resume(id: string): void;
  remove(id: string, opts: { deleteData: boolean }): Promise<void>;
  setFilePriorities(id: string, priorities: Array<{ index: number; priority: FilePriority }>): void;
  recheck(id: string): Promise<void>;
  /** Throws TesseraError BAD_ARGUMENT (duplicate, too many) or NOT_FOUND. */
  addTracker(id: string, url: string, tier?: number): Promise<void>;
  removeTracker(id: string, url: string): Promise<void>;
  summaries(): TorrentSummary[];
  detail(id: string): TorrentDetail | undefined;
  files(id: string, from: number, count: number): FilesPage | undefined;
  torrentFile(id: string): Uint8Array | undefined;
  close(): Promise<void>;
  /** Start/restart (options) or stop (null) the DHT at run time; absent in engines without one. */
  setDht?(o: SessionDhtOptions | null): Promise<void>;
  on(event: 'torrent:completed', listener: (s: TorrentSummary) => void): unknown;
  on(event: 'torrent:error' | 'torrent:warning', listener: (id: string, message: string) => void): unknown;
}

/** Optional engine features, probed at run time (a magnet needs the metadata exchange). */
export interface MagnetCapable {
  addMagnet(uri: string, opts?: EngineAddOptions): Promise<TorrentSummary>;
}
export function canAddMagnet(s: object): s is MagnetCapable {
  return typeof (s as Partial<MagnetCapable>).addMagnet === 'function';
}
