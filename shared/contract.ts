// The one contract between the UI and the engine. Electron IPC and the headless WebSocket are two
// transports of exactly these commands and events; the renderer does not know which it has.
// Every command returns a Result (never throws across the transport). No Node, no DOM here.
import type { FilePriority, FilesPage, TorrentDetail, TorrentSummary } from './snapshot.ts';

export type ErrorCode =
  | 'BAD_ARGUMENT' | 'NOT_FOUND' | 'METAINFO_INVALID' | 'MAGNET_INVALID' | 'IO_ERROR'
  | 'ABORTED' | 'UNAUTHORIZED' | 'UNSUPPORTED' | 'INTERNAL';

export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } };

export interface Settings {
  downloadDir: string;
  listenPort: number;
  maxConnections: number;
  maxConnectionsPerTorrent: number;
  /** Bytes per second; 0 = unlimited. */
  maxUploadRate: number;
  maxDownloadRate: number;
  /** Stop seeding at this ratio; 0 = never. */
  seedRatioLimit: number;
  /** Stop seeding after this many seconds; 0 = never. */
  seedTimeLimit: number;
  startPaused: boolean;
  theme: 'system' | 'light' | 'dark';
  /** BEP 5 DHT: find peers for public torrents and magnets without a tracker. */
  dht: boolean;
  /** DHT bootstrap nodes as "host:port" (hostname or IPv4); empty = the public routers. */
  dhtBootstrap: string[];
  /** Message stream encryption (MSE/PE): plaintext only, prefer encrypted (fall back), or require it. */
  encryption: EncryptionMode;
  /** uTP (BEP 29) beside TCP: dial uTP first and accept it on the listen port. */
  utp: boolean;
}

export type EncryptionMode = 'plaintext' | 'prefer' | 'require';
export const ENCRYPTION_MODES: readonly EncryptionMode[] = ['plaintext', 'prefer', 'require'];

export type MetaVersionChoice = 'v1' | 'v2' | 'hybrid';

export interface CreateTorrentRequest {
  /** A file or folder on the engine's machine. */
  path: string;
  version: MetaVersionChoice;
  /** 0 = automatic. */
  pieceLength: number;
  trackers: string[][];
  webSeeds: string[];
  private: boolean;
  source?: string;
  comment?: string;
  /** Where to write the .torrent; omitted = only return the bytes. */
  outputPath?: string;
  /** Start seeding the created torrent from `path`. */
  seed: boolean;
}

export interface CreateTorrentResult {
  /** The .torrent file, base64. */
  torrentBase64: string;
  infoHashV1?: string;
  infoHashV2?: string;
  magnet: string;
  pieceCount: number;
  pieceLength: number;
}

export interface VerifyFileResult { path: string; length: number; status: 'ok' | 'missing' | 'wrong-size' | 'bad'; badPieces: number }
export interface VerifyResult {
  files: VerifyFileResult[];
  badPieces: number[];
  pieceCount: number;
  ok: boolean;
}

/** Every command: name → [argument, result value]. Names are domain:verb. */
export interface Commands {
  'torrent:add-file': [{ torrentBase64: string; savePath?: string; paused?: boolean }, TorrentSummary];
  'torrent:add-magnet': [{ uri: string; savePath?: string; paused?: boolean }, TorrentSummary];
  'torrent:pause': [{ ids: string[] }, null];
  'torrent:resume': [{ ids: string[] }, null];
  'torrent:remove': [{ ids: string[]; deleteData: boolean }, null];
  'torrent:set-file-priorities': [{ id: string; priorities: Array<{ index: number; priority: FilePriority }> }, null];
  /** Up to `count` (at most MAX_FILES_PAGE) of the torrent's files from `from`, padding files left out. */
  'torrent:files': [{ id: string; from: number; count: number }, FilesPage];
  'torrent:recheck': [{ id: string }, null];
  /** Adds a tracker last in `tier` (omitted or past the end: a new last tier). */
  'torrent:add-tracker': [{ id: string; url: string; tier?: number }, null];
  'torrent:remove-tracker': [{ id: string; url: string }, null];
  'torrent:select': [{ id: string | null }, null];
  'torrent:magnet': [{ id: string }, string];
  'torrent:open-folder': [{ id: string }, null];
  'create:start': [CreateTorrentRequest & { jobId: string }, CreateTorrentResult];
  'create:cancel': [{ jobId: string }, null];
  'verify:start': [{ jobId: string; torrentBase64?: string; id?: string; path: string }, VerifyResult];
  'verify:cancel': [{ jobId: string }, null];
  'settings:get': [null, Settings];
  'settings:set': [Partial<Settings>, Settings];
}
export type CommandName = keyof Commands;
export type CommandArg<C extends CommandName> = Commands[C][0];
export type CommandResult<C extends CommandName> = Commands[C][1];

/** Events pushed from the engine to the UI. */
export interface Events {
  /** All torrents' list rows, at a few Hz; only rows that changed since the last one (`removed` lists ids gone). */
  'torrents:update': { changed: TorrentSummary[]; removed: string[]; full: boolean };
  /** The selected torrent's detail, at a few Hz. Bit arrays travel as binary (see snapshot-codec.ts). */
  'torrent:detail': TorrentDetail;
  'torrent:completed': { id: string; name: string };
  'engine:error': { id?: string; message: string; severity: 'error' | 'warning' };
  'job:progress': { jobId: string; done: number; total: number };
  'session:stats': { downRate: number; upRate: number; port: number };
}
export type EventName = keyof Events;

/** The API the preload exposes (window.tessera) and the WebSocket client implements. */
export interface TesseraApi {
  invoke<C extends CommandName>(command: C, arg: CommandArg<C>): Promise<Result<CommandResult<C>>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}
