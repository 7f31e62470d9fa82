// Incoming connections on the one listen port: a plaintext BitTorrent handshake starts with
// 19 'BitTorrent protocol'; anything else is taken as MSE (the receiver finds the torrent by
// HASH('req2', info-hash)). The policy decides which of the two we accept.
import { TesseraError } from '../errors.ts';
import type { EncryptionPolicy, PeerSocket } from './peer-socket.ts';
import { mseAccept, type Negotiated } from './mse/negotiate.ts';

const PSTR = new TextEncoder().encode('\x13BitTorrent protocol');

/** 'plaintext' when `bytes` is a prefix of (or starts with) the BT protocol string, 'mse' when it cannot be, undefined if too short to tell. */
export function classifyFirstBytes(bytes: Uint8Array): 'plaintext' | 'mse' | undefined {
  const n = Math.min(bytes.length, PSTR.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== PSTR[i]) return 'mse';
  return n === PSTR.length ? 'plaintext' : undefined;
}

export interface IncomingOptions {
  policy: EncryptionPolicy;
  /** HASH('req2', SKEY) → SKEY for every torrent we serve. */
  lookup: (req2: Uint8Array) => Uint8Array | undefined;
  timeoutMs: number;
}

export interface Accepted extends Omit<Negotiated, 'skey'> {
  /** The info-hash MSE agreed on (undefined for a plaintext connection: its handshake names it). */
  skey?: Uint8Array;
}

/**
 * Decide plaintext or MSE from the first bytes, run MSE if needed, and return the stream to read the
 * BT handshake from (paused, with any bytes already read put back in front).
 */
export function acceptIncoming(socket: PeerSocket, o: IncomingOptions): Promise<Accepted> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const cleanup = (): void => {
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    const refuse = (msg: string): void => {
      cleanup();
      socket.destroy();
      reject(new TesseraError('WIRE_PROTOCOL', msg));
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      const all = chunks.length === 1 ? c : Buffer.concat(chunks);
      const kind = classifyFirstBytes(all);
      if (kind === undefined) return;
      cleanup();
      socket.pause();
      if (kind === 'plaintext') {
        if (o.policy === 'require') { socket.destroy(); reject(new TesseraError('WIRE_PROTOCOL', 'plaintext peer refused (encryption required)')); return; }
        socket.unshift(all);
        resolve({ stream: socket, encryption: 'plaintext' });
        return;
      }
      if (o.policy === 'plaintext') { socket.destroy(); reject(new TesseraError('WIRE_PROTOCOL', 'encrypted peer refused (encryption off)')); return; }
      mseAccept(socket, [all], { lookup: o.lookup, allowPlaintext: o.policy !== 'require', timeoutMs: o.timeoutMs }).then(resolve, reject);
    };
    const onClose = (): void => { if (!settled) refuse('closed before the handshake'); };
    const timer = setTimeout(() => refuse('handshake timed out'), o.timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}
