// The session's public vocabulary: its settings (and their defaults), the options to open it and to
// add a torrent, and the events it emits. Kept apart from session.ts so the app, the CLI and the
// worker can name them without reading the engine class.
import { resolve } from 'node:path';
import type { FilePriority, TorrentSummary } from '../../shared/snapshot.ts';
import type { EncryptionPolicy } from './transport/peer-socket.ts';
import type { SessionDhtOptions } from './session-dht.ts';

export interface SessionSettings {
  downloadDir: string;
  listenPort: number;
  maxConnections: number;
  maxConnectionsPerTorrent: number;
  maxUploadRate: number;
  maxDownloadRate: number; // bytes/s, 0 = unlimited
  seedRatioLimit: number; // 0 = none
  seedTimeLimit: number; // seconds, 0 = none
  startPaused: boolean;
  /** MSE/PE: 'prefer' dials encrypted and falls back to plaintext; incoming peers may use either. */
  encryption: EncryptionPolicy;
  /** uTP (BEP 29) on the listen port's number: dials try it first (TCP if unanswered), incoming accepted. */
  utp: boolean;
}

export interface SessionOptions {
  stateDir: string;
  settings?: Partial<SessionSettings>;
  listenHost?: string;
  /** BEP 5 DHT: absent = off. Bootstrap nodes are only what is given here (none by default). */
  dht?: SessionDhtOptions;
}

export interface AddTorrentOptions {
  savePath?: string;
  paused?: boolean;
  filePriorities?: FilePriority[];
  peers?: Array<{ host: string; port: number }>;
  /** Internal (session-magnet.ts): the magnet this torrent grew from. Its addedAt is kept and
   *  'torrent:metadata' is emitted instead of a second 'torrent:added'. */
  fromMagnet?: { addedAt: number };
}

export type SessionEvents = {
  'torrent:added': [TorrentSummary];
  /** A magnet's info dict arrived: the same id is now an ordinary torrent (no second 'torrent:added'). */
  'torrent:metadata': [TorrentSummary];
  'torrent:removed': [id: string];
  'torrent:completed': [TorrentSummary];
  'torrent:error': [id: string, message: string];
  'torrent:warning': [id: string, message: string];
};

export const DEFAULT_SETTINGS: SessionSettings = {
  downloadDir: resolve('downloads'),
  listenPort: 6881,
  maxConnections: 200,
  maxConnectionsPerTorrent: 50,
  maxUploadRate: 0,
  maxDownloadRate: 0,
  seedRatioLimit: 0,
  seedTimeLimit: 0,
  startPaused: false,
  encryption: 'prefer',
  utp: true,
};
