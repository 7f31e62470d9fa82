// What the engine reports to the UI, typed once for every transport (Electron IPC, WebSocket).
// No Node and no DOM types here.

export type TorrentStatus =
  | 'checking'     // hashing existing data
  | 'metadata'     // magnet: fetching the info dictionary
  | 'downloading'
  | 'seeding'
  | 'paused'
  | 'completed'    // done and not seeding (stop rule reached)
  | 'error';

export type FilePriority = 'skip' | 'low' | 'normal' | 'high';

export type PeerSource = 'tracker' | 'dht' | 'pex' | 'incoming' | 'manual' | 'webseed' | 'lsd';

/** One row of the torrent list. Cheap: sent for every torrent at a few Hz. */
export interface TorrentSummary {
  /** Info-hash in lowercase hex (v1 when present, else the v2 hash truncated to 20 bytes). */
  id: string;
  name: string;
  totalSize: number;
  /** Bytes of wanted data verified. */
  doneBytes: number;
  /** 0..1 over wanted pieces. */
  progress: number;
  status: TorrentStatus;
  downRate: number;
  upRate: number;
  downloaded: number;
  uploaded: number;
  peers: number;
  seeds: number;
  /** Seconds, or -1 when unknown. */
  eta: number;
  ratio: number;
  savePath: string;
  addedAt: number;
  pieceCount: number;
  pieceLength: number;
  magnet: string;
  error?: string;
}

export interface PeerFlags {
  amChoking: boolean;
  amInterested: boolean;
  peerChoking: boolean;
  peerInterested: boolean;
  incoming: boolean;
  snubbed: boolean;
}

export interface PeerSummary {
  /** "ip:port" (IPv6 in brackets). */
  id: string;
  ip: string;
  port: number;
  client: string;
  /** Reverse-DNS name, when the engine has resolved one (looked up off the hot path, cached). */
  hostname?: string;
  /** MSE/PE: 'rc4' when the stream is encrypted (a plaintext stream after an MSE handshake counts as plaintext). */
  encryption?: 'rc4' | 'plaintext';
  /** uTP (BEP 29) or TCP. */
  transport?: 'tcp' | 'utp';
  flags: PeerFlags;
  source: PeerSource;
  /** 0..1 */
  progress: number;
  downRate: number;
  upRate: number;
  downloaded: number;
  uploaded: number;
}

export interface FileSummary {
  index: number;
  path: string;
  length: number;
  doneBytes: number;
  priority: FilePriority;
}

/**
 * A page of a torrent's file list (padding files left out, in the torrent's order): the Files tab
 * asks for the rows in view at each detail update instead of every detail carrying every file
 * (a torrent of 50,000 files made each 4 Hz detail 5 MB).
 */
export interface FilesPage {
  /** Files in the whole list. */
  total: number;
  /** `count` of them (fewer at the end) from `from`. */
  files: FileSummary[];
}

/** The most files one torrent:files call returns. */
export const MAX_FILES_PAGE = 1000;

export interface TrackerSummary {
  url: string;
  tier: number;
  status: 'idle' | 'announcing' | 'working' | 'error';
  lastError?: string;
  lastWarning?: string;
  seeders?: number;
  leechers?: number;
  downloaded?: number;
  /** Unix ms of the last answered scrape (seeders/leechers/downloaded then come from it). */
  scrapedAt?: number;
  peersReceived: number;
  /** Unix ms of the next announce, 0 when none is planned. */
  nextAnnounce: number;
}

/** The detail pane's data for one selected torrent. Bit arrays are MSB-first like the wire bitfield. */
export interface TorrentDetail {
  id: string;
  /** Verified pieces, ceil(pieceCount/8) bytes. */
  have: Uint8Array;
  /** Pieces with outstanding requests, same layout. */
  downloading: Uint8Array;
  /** Per piece: how many connected non-seed peers have it. Saturates at 65535. */
  availability: Uint16Array;
  /** Connected peers that have every piece (not counted in availability). */
  seedCount: number;
  peers: PeerSummary[];
  trackers: TrackerSummary[];
}
