// The I/O edge of MSE: drives a handshake state machine over a socket with one deadline, then hands
// back what PeerConnection should talk through (an EncryptedStream for RC4, the socket itself for
// plaintext) with the payload bytes that came early put back in front. A peer that stalls, closes
// or breaks the protocol gets its socket destroyed and the promise rejected.
import { TesseraError } from '../../errors.ts';
import type { PeerSocket } from '../peer-socket.ts';
import { EncryptedStream } from './encrypted-stream.ts';
import {
  CRYPTO_PLAINTEXT, CRYPTO_RC4, MseInitiator, MseReceiver, type CryptoMethod, type MseResult, type MseStep,
} from './handshake.ts';

export const MSE_TIMEOUT_MS = 10_000;

export interface Negotiated {
  stream: PeerSocket;
  encryption: CryptoMethod;
  skey: Uint8Array;
}

interface Machine {
  push(chunk: Uint8Array): MseStep;
}

function run(socket: PeerSocket, machine: Machine, first: Uint8Array[], timeoutMs: number): Promise<MseResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, r?: MseResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      if (err !== null) {
        socket.destroy();
        reject(err);
      } else if (r !== undefined) {
        // Stop the flow before the caller attaches its own reader, so nothing is emitted to no one.
        socket.pause();
        resolve(r);
      }
    };
    const feed = (chunk: Uint8Array): void => {
      try {
        const step = machine.push(chunk);
        for (const o of step.out) socket.write(o);
        if (step.done !== undefined) finish(null, step.done);
      } catch (e) {
        finish(e instanceof Error ? e : new TesseraError('WIRE_PROTOCOL', String(e)));
      }
    };
    const onData = (c: Buffer): void => feed(c);
    const onClose = (): void => finish(new TesseraError('WIRE_PROTOCOL', 'MSE: connection closed during the handshake'));
    const onError = (e: Error): void => finish(new TesseraError('IO_ERROR', `MSE: ${e.message}`, { cause: e }));
    const timer = setTimeout(() => finish(new TesseraError('WIRE_PROTOCOL', 'MSE: handshake timed out')), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
    for (const c of first) { if (!settled) feed(c); }
    if (!settled && socket.isPaused()) socket.resume();
  });
}

function wrap(socket: PeerSocket, r: MseResult): Negotiated {
  if (r.method === 'rc4' && r.encrypt !== null && r.decrypt !== null) {
    return { stream: new EncryptedStream(socket, r.encrypt, r.decrypt, r.payload), encryption: 'rc4', skey: r.skey };
  }
  if (r.payload.length > 0) socket.unshift(Buffer.from(r.payload.buffer, r.payload.byteOffset, r.payload.length));
  return { stream: socket, encryption: 'plaintext', skey: r.skey };
}

export interface ConnectOptions {
  /** Info-hash of the torrent (SKEY). */
  skey: Uint8Array;
  /** Only RC4 ('require'), or RC4 or plaintext at the receiver's choice ('prefer'). */
  policy: 'prefer' | 'require';
  timeoutMs?: number;
  /** Test hooks. */
  privateKey?: Uint8Array;
  padLength?: () => number;
}

/** Outgoing: we are the initiator (A). The BT handshake is sent after this, inside the stream. */
export async function mseConnect(socket: PeerSocket, o: ConnectOptions): Promise<Negotiated> {
  const machine = new MseInitiator({
    skey: o.skey, provide: o.policy === 'require' ? CRYPTO_RC4 : CRYPTO_RC4 | CRYPTO_PLAINTEXT,
    ...(o.privateKey !== undefined ? { privateKey: o.privateKey } : {}),
    ...(o.padLength !== undefined ? { padLength: o.padLength } : {}),
  });
  socket.write(machine.start());
  return wrap(socket, await run(socket, machine, [], o.timeoutMs ?? MSE_TIMEOUT_MS));
}

export interface AcceptOptions {
  lookup: (req2: Uint8Array) => Uint8Array | undefined;
  /** Accept a plaintext payload stream after the MSE handshake (false under 'require'). */
  allowPlaintext: boolean;
  timeoutMs?: number;
  privateKey?: Uint8Array;
  padLength?: () => number;
}

/** Incoming: we are the receiver (B). `first` holds bytes already read while detecting MSE. */
export async function mseAccept(socket: PeerSocket, first: Uint8Array[], o: AcceptOptions): Promise<Negotiated> {
  const machine = new MseReceiver({
    lookup: o.lookup, allowed: o.allowPlaintext ? CRYPTO_RC4 | CRYPTO_PLAINTEXT : CRYPTO_RC4,
    ...(o.privateKey !== undefined ? { privateKey: o.privateKey } : {}),
    ...(o.padLength !== undefined ? { padLength: o.padLength } : {}),
  });
  return wrap(socket, await run(socket, machine, first, o.timeoutMs ?? MSE_TIMEOUT_MS));
}
