// What a peer connection talks through: a plain TCP socket or uTP connection, or a stream that
// encrypts on top of one (MSE). Both are Duplexes with the remote address; PeerConnection needs nothing more.
import type { Duplex } from 'node:stream';

export type PeerSocket = Duplex & {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  readonly localAddress?: string | undefined;
  readonly remoteFamily?: string | undefined;
};

/** How peer connections are set up: never MSE, MSE first with plaintext fallback, or MSE only. */
export type EncryptionPolicy = 'plaintext' | 'prefer' | 'require';
