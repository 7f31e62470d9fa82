// Incoming connections on the session's one listen port (TCP and uTP): a half-open cap, then
// plaintext or MSE, then the 68-byte BitTorrent handshake, then the torrent (or magnet fetcher) it
// names. Bounded: refused before any work when the session is full or too many strangers are
// mid-handshake, at most one socket read past 68 bytes is kept, and a peer that does not complete
// its handshake in time is dropped.
import type { PeerSocket, EncryptionPolicy } from './transport/peer-socket.ts';
import { TesseraError } from './errors.ts';
import { HANDSHAKE_LENGTH, checkProtocolPrefix, decodeHandshake, type Handshake } from './wire/handshake.ts';
import { toHex } from './metainfo/hex.ts';
import { acceptIncoming } from './transport/incoming.ts';
import { SkeyTable, type SkeyOwner } from './transport/mse/skeys.ts';

/** Incoming connections allowed in the handshake at once (libtorrent's half-open limit is similar). */
export const MAX_INCOMING_HANDSHAKES = 32;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Whatever takes a connection once its handshake is read: a torrent or a magnet's metadata fetcher. */
export interface IncomingTarget {
  acceptIncoming(socket: PeerSocket, handshake: Handshake, leftover: Uint8Array): void;
}

export interface IncomingHooks {
  /** Refuse outright: the session is closed or has no free connection slot. */
  refuse(): boolean;
  policy(): EncryptionPolicy;
  /** The session's torrents by id (hex of their info-hash). */
  torrents(): ReadonlyMap<string, SkeyOwner & IncomingTarget>;
  /** A magnet still fetching metadata, by id. */
  fetcher(id: string): IncomingTarget | undefined;
}

export class IncomingRouter {
  readonly #hooks: IncomingHooks;
  readonly #skeys = new SkeyTable();
  /** Incoming connections still in the MSE or BitTorrent handshake. */
  #handshaking = 0;

  constructor(hooks: IncomingHooks) {
    this.#hooks = hooks;
  }

  accept(socket: PeerSocket): void {
    // Refused before any work when the session is full or too many strangers are mid-handshake:
    // an MSE handshake costs us a 768-bit modular exponentiation, so accepting without a bound
    // would let anyone spend our CPU by opening connections.
    if (this.#hooks.refuse() || this.#handshaking >= MAX_INCOMING_HANDSHAKES) { socket.destroy(); return; }
    this.#handshaking++;
    let counted = true;
    const settled = (): void => { if (counted) { counted = false; this.#handshaking--; } };
    socket.once('close', settled);
    // Plaintext or MSE (told apart by the first bytes); an MSE peer names its torrent by HASH('req2', info-hash).
    acceptIncoming(socket, { policy: this.#hooks.policy(), lookup: (r) => this.#skeys.lookup(r, this.#hooks.torrents().values()), timeoutMs: HANDSHAKE_TIMEOUT_MS })
      .then(({ stream, skey }) => {
        // Not chained: the handshake reader must attach in the same tick the stream is handed over.
        readIncomingHandshake(stream, HANDSHAKE_TIMEOUT_MS).then(({ handshake, leftover }) => {
          settled();
          if (skey !== undefined && toHex(skey) !== toHex(handshake.infoHash)) { stream.destroy(); return; }
          const target = this.#torrentFor(handshake.infoHash) ?? this.#hooks.fetcher(toHex(handshake.infoHash));
          if (target !== undefined) target.acceptIncoming(stream, handshake, leftover); else stream.destroy();
        }, () => { settled(); stream.destroy(); });
      }, () => { settled(); socket.destroy(); });
  }

  /** The torrent a handshake names: by id, or by any hash it goes by (the v2 swarm of a hybrid). */
  #torrentFor(hash: Uint8Array): (SkeyOwner & IncomingTarget) | undefined {
    const hex = toHex(hash);
    const torrents = this.#hooks.torrents();
    const t = torrents.get(hex);
    if (t !== undefined) return t;
    for (const x of torrents.values()) if (x.skeys?.some((k) => toHex(k) === hex) === true) return x;
    return undefined;
  }
}


export function readIncomingHandshake(socket: PeerSocket, timeoutMs: number): Promise<{ handshake: Handshake; leftover: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const done = (err: Error | null, value?: { handshake: Handshake; leftover: Uint8Array }): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err !== null) reject(err);
      else if (value !== undefined) {
        socket.pause();
        resolve(value);
        // The torrent's PeerConnection attaches its own 'data' listener and resumes the stream.
        queueMicrotask(() => socket.resume());
      }
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      n += c.length;
      const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      try {
        checkProtocolPrefix(all.subarray(0, Math.min(20, all.length)));
        if (n < HANDSHAKE_LENGTH) return;
        const handshake = decodeHandshake(all.subarray(0, HANDSHAKE_LENGTH));
        done(null, { handshake, leftover: all.subarray(HANDSHAKE_LENGTH) });
      } catch (e) {
        done(e instanceof Error ? e : new TesseraError('WIRE_PROTOCOL', String(e)));
      }
    };
    const onClose = (): void => done(new TesseraError('WIRE_PROTOCOL', 'closed before the handshake'));
    const timer = setTimeout(() => done(new TesseraError('WIRE_PROTOCOL', 'handshake timed out')), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.resume(); // the stream comes paused when the plaintext/MSE detection read ahead
  });
}
