// Which addresses a torrent knows and dials: a bounded candidate list fed by trackers, the user
// and the CLI; dials go out a few at a time with a timeout; failed addresses back off.
import type { PeerSource } from '../../shared/snapshot.ts';
import { dial } from './transport/tcp.ts';
import type { EncryptionPolicy, PeerSocket } from './transport/peer-socket.ts';
import { mseConnect } from './transport/mse/negotiate.ts';
import type { UtpSocket } from './transport/utp/socket.ts';

const MAX_CANDIDATES = 2000;
const MAX_DIALING = 8;
const RETRY_BASE_MS = 15_000;
/** A uTP peer answers a SYN within a round trip; past this we try TCP. */
const UTP_CONNECT_TIMEOUT_MS = 3000;

interface Candidate { host: string; port: number; source: PeerSource; failures: number; notBefore: number; connected: boolean }

export interface DialerHooks {
  canDial(): boolean;
  isBanned(host: string, port: number): boolean;
  isConnected(host: string, port: number): boolean;
  connected(socket: PeerSocket, source: PeerSource): void;
  /** MSE: the torrent's info-hash and the policy; without them dials stay plaintext. */
  skey?: Uint8Array;
  encryption?(): EncryptionPolicy;
  /** The session's uTP socket when uTP is on: dials try it first, then TCP. */
  utp?(): UtpSocket | undefined;
}

export class PeerDialer {
  #hooks: DialerHooks;
  #candidates = new Map<string, Candidate>();
  #dialing = 0;
  #closed = false;
  #abort = new AbortController();

  constructor(hooks: DialerHooks) {
    this.#hooks = hooks;
  }

  get known(): number {
    return this.#candidates.size;
  }

  add(host: string, port: number, source: PeerSource): void {
    if (this.#closed || !Number.isInteger(port) || port <= 0 || port > 65535 || host.length === 0) return;
    const key = `${host}:${port}`;
    const c = this.#candidates.get(key);
    if (c !== undefined) {
      if (source === 'manual') { c.notBefore = 0; c.failures = 0; }
    } else {
      if (this.#candidates.size >= MAX_CANDIDATES) return;
      this.#candidates.set(key, { host, port, source, failures: 0, notBefore: 0, connected: false });
    }
    this.pump();
  }

  disconnected(host: string, port: number): void {
    const c = this.#candidates.get(`${host}:${port}`);
    if (c !== undefined) {
      c.connected = false;
      c.notBefore = Date.now() + RETRY_BASE_MS;
    }
  }

  /** Start dials while the torrent wants peers and the session has room. */
  pump(): void {
    if (this.#closed) return;
    const now = Date.now();
    for (const c of this.#candidates.values()) {
      if (this.#dialing >= MAX_DIALING || !this.#hooks.canDial()) return;
      if (c.connected || c.notBefore > now) continue;
      if (this.#hooks.isBanned(c.host, c.port)) { this.#candidates.delete(`${c.host}:${c.port}`); continue; }
      if (this.#hooks.isConnected(c.host, c.port)) { c.connected = true; continue; }
      this.#dial(c);
    }
  }

  #dial(c: Candidate): void {
    this.#dialing++;
    c.connected = true;
    this.#connect(c.host, c.port).then((socket) => {
      this.#dialing--;
      if (this.#closed) { socket.destroy(); return; }
      c.failures = 0;
      this.#hooks.connected(socket, c.source);
    }, () => {
      this.#dialing--;
      c.connected = false;
      c.failures++;
      c.notBefore = Date.now() + RETRY_BASE_MS * 2 ** Math.min(c.failures, 6);
      if (c.failures > 8) this.#candidates.delete(`${c.host}:${c.port}`);
    });
  }

  /**
   * uTP connect (when on; TCP if it gets no answer) or TCP connect, then MSE unless the policy is
   * plaintext. Under 'prefer' a failed MSE handshake (a peer without MSE drops us or answers in
   * plaintext) is retried once in plaintext over the same transport.
   */
  async #connect(host: string, port: number): Promise<PeerSocket> {
    const policy = this.#hooks.encryption?.() ?? 'plaintext';
    const skey = this.#hooks.skey;
    const { socket, again } = await this.#transport(host, port);
    if (policy === 'plaintext' || skey === undefined) return socket;
    try {
      return (await mseConnect(socket, { skey, policy })).stream;
    } catch (e) {
      if (policy === 'require' || this.#closed) throw e;
      return again();
    }
  }

  async #transport(host: string, port: number): Promise<{ socket: PeerSocket; again: () => Promise<PeerSocket> }> {
    const signal = this.#abort.signal;
    const utp = this.#hooks.utp?.();
    if (utp !== undefined) {
      const viaUtp = (): Promise<PeerSocket> => utp.connect(host, port, { timeoutMs: UTP_CONNECT_TIMEOUT_MS, signal });
      try {
        return { socket: await viaUtp(), again: viaUtp };
      } catch (e) {
        if (this.#closed) throw e;
      }
    }
    const viaTcp = (): Promise<PeerSocket> => dial(host, port, { timeoutMs: 10_000, signal });
    return { socket: await viaTcp(), again: viaTcp };
  }

  close(): void {
    this.#closed = true;
    this.#abort.abort();
  }
}
