// Reads the 68-byte handshake of an incoming connection so the session can route it to the torrent
// it names (one listen port for every torrent). Bounded: at most one socket read past 68 bytes is
// kept, and a peer that does not complete its handshake in time is dropped.
import type { PeerSocket } from './transport/peer-socket.ts';
import { TesseraError } from './errors.ts';
import { HANDSHAKE_LENGTH, checkProtocolPrefix, decodeHandshake, type Handshake } from './wire/handshake.ts';

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
