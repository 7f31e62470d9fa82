// What a session gives a Torrent and hears back from it: the events a torrent emits, the
// session-wide dependencies every torrent shares (peer id, hash pool, rate buckets, connection
// slots, transports) and the per-torrent init (save path, resume data, limits, trackers).
import type { FilePriority } from '../../shared/snapshot.ts';
import type { HashPool } from './hashing/hash-pool.ts';
import type { TokenBucket } from './rate/token-bucket.ts';
import type { PeerLimits } from './peer-limits.ts';
import type { EncryptionPolicy } from './transport/peer-socket.ts';
import type { UtpSocket } from './transport/utp/socket.ts';

export type TorrentEvents = {
  completed: [];
  error: [message: string];
  warning: [message: string];
  /** The have-bitfield or options changed: the session should persist resume data soon. */
  dirty: [];
  /** A piece was written and verified (the session journals it for crash safety). */
  verified: [piece: number];
};

export interface TorrentDeps {
  peerId: Uint8Array;
  hashPool: HashPool;
  upBucket: TokenBucket;
  downBucket: TokenBucket;
  limits: PeerLimits;
  listenPort: () => number;
  /** MSE policy for outgoing dials (the session setting); plaintext when absent. */
  encryption?: () => EncryptionPolicy;
  /** The session's uTP socket while uTP is on (dials prefer it, then TCP). */
  utp?: () => UtpSocket | undefined;
}

export interface TorrentInit {
  savePath: string;
  paused: boolean;
  filePriorities: FilePriority[];
  addedAt: number;
  /** Verified pieces trusted from resume data (bytes of the have-bitfield). */
  have?: Uint8Array;
  /** Pieces to hash again before trusting (files changed since the resume data was written). */
  recheck?: Iterable<number>;
  uploaded?: number;
  downloaded?: number;
  seedingMs?: number;
  maxConnections: number;
  seedRatioLimit: number;
  seedTimeLimit: number;
  /** Where bytes of skipped files that share a piece with wanted ones are kept (outside the download folder). */
  partFile?: string;
  /** The user's edited tracker tiers (saved with the torrent list); the torrent file's when absent. */
  trackers?: string[][];
}
