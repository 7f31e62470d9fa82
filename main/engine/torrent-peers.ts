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
/** A uTP peer answers a SYN within a round trip; past this the uTP attempt is given up. */
const UTP_CONNECT_TIMEOUT_MS = 3000;
/**
 * For a peer not known to speak uTP, TCP starts this long after the uTP SYN ("happy eyeballs"):
 * longer than most round trips, so uTP is preferred when the peer has it, yet a TCP-only peer
 * costs a fraction of a second instead of the whole uTP timeout.
 */
const UTP_HEAD_START_MS = 300;

/** What we know of a peer's transports before dialing it: PEX flag 0x04 says it speaks uTP. */
export interface DialHints { utp?: boolean }

interface Candidate {
  host: string; port: number; source: PeerSource; failures: number; notBefore: number; connected: boolean;
  /** Speaks uTP: true (PEX said so, or a uTP dial worked), false (a uTP dial got no answer), undefined (unknown). */
  utp: boolean | undefined;
}

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

  add(host: string, port: number, source: PeerSource, hints: DialHints = {}): void {
    if (this.#closed || !Number.isInteger(port) || port <= 0 || port > 65535 || host.length === 0) return;
    const key = `${host}:${port}`;
    const c = this.#candidates.get(key);
    if (c !== undefined) {
      if (source === 'manual') { c.notBefore = 0; c.failures = 0; }
      if (hints.utp === true) c.utp = true;
    } else {
      if (this.#candidates.size >= MAX_CANDIDATES) return;
      this.#candidates.set(key, { host, port, source, failures: 0, notBefore: 0, connected: false, utp: hints.utp === true ? true : undefined });
    }
    this.pump();
  }

  /**
   * A connection to this address closed. `handshook`: it got past the BitTorrent handshake, so the
   * address is worth a new dial after RETRY_BASE_MS; a connection that closed before (a peer that
   * refuses plaintext after our MSE handshake timed out, or hangs up at once) counts as a failed
   * dial and backs off as one. Either way the address is dialed again: one that stayed "connected"
   * after an early close was never dialed again.
   */
  disconnected(host: string, port: number, handshook = true): void {
    const c = this.#candidates.get(`${host}:${port}`);
    if (c === undefined) return;
    c.connected = false;
    if (handshook) {
      c.failures = 0;
      c.notBefore = Date.now() + RETRY_BASE_MS;
    } else {
      this.#failed(c);
    }
  }

  #failed(c: Candidate): void {
    c.connected = false;
    c.failures++;
    c.notBefore = Date.now() + RETRY_BASE_MS * 2 ** Math.min(c.failures, 6);
    if (c.failures > 8) this.#candidates.delete(`${c.host}:${c.port}`);
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
    this.#connect(c).then((socket) => {
      this.#dialing--;
      if (this.#closed) { socket.destroy(); return; }
      // Failures are forgiven once the connection gets past the handshake (disconnected()), not
      // here: a peer that accepts and hangs up each time keeps backing off.
      this.#hooks.connected(socket, c.source);
    }, () => {
      this.#dialing--;
      this.#failed(c);
    });
  }

  /**
   * uTP connect (when on; TCP if it gets no answer) or TCP connect, then MSE unless the policy is
   * plaintext. Under 'prefer' a failed MSE handshake (a peer without MSE drops us or answers in
   * plaintext) is retried once in plaintext over the same transport.
   */
  async #connect(c: Candidate): Promise<PeerSocket> {
    const policy = this.#hooks.encryption?.() ?? 'plaintext';
    const skey = this.#hooks.skey;
    const { socket, again } = await this.#transport(c);
    if (policy === 'plaintext' || skey === undefined) return socket;
    try {
      return (await mseConnect(socket, { skey, policy })).stream;
    } catch (e) {
      if (policy === 'require' || this.#closed) throw e;
      return again();
    }
  }

  /**
   * The transport for one dial. uTP off or the peer known not to answer it: TCP. Known to speak
   * uTP: uTP, TCP if it fails. Unknown: uTP first, TCP joining after UTP_HEAD_START_MS (or at once
   * when uTP fails); the first to connect wins and the other is cancelled. What a dial learns is
   * kept on the candidate, so the next dial to a TCP-only peer goes straight to TCP.
   */
  async #transport(c: Candidate): Promise<{ socket: PeerSocket; again: () => Promise<PeerSocket> }> {
    const { host, port } = c;
    const utp = this.#hooks.utp?.();
    const viaTcp = (signal = this.#abort.signal): Promise<PeerSocket> => dial(host, port, { timeoutMs: 10_000, signal });
    if (utp === undefined || c.utp === false) return { socket: await viaTcp(), again: viaTcp };
    const viaUtp = (signal = this.#abort.signal): Promise<PeerSocket> => utp.connect(host, port, { timeoutMs: UTP_CONNECT_TIMEOUT_MS, signal });
    if (c.utp === true) {
      try {
        return { socket: await viaUtp(), again: viaUtp };
      } catch (e) {
        if (this.#closed) throw e;
        return { socket: await viaTcp(), again: viaTcp };
      }
    }
    const won = await raceTransports(viaUtp, viaTcp, UTP_HEAD_START_MS, this.#abort.signal);
    c.utp = won.kind === 'utp';
    return won.kind === 'utp' ? { socket: won.socket, again: viaUtp } : { socket: won.socket, again: viaTcp };
  }

  close(): void {
    this.#closed = true;
    this.#abort.abort();
  }
}

type Dialer = (signal: AbortSignal) => Promise<PeerSocket>;

/**
 * Happy eyeballs for uTP and TCP: uTP now, TCP after `headStartMs` or as soon as uTP fails; the
 * first connection wins, the other attempt is aborted (or its socket destroyed if it connected
 * too). Rejects with the last error when both fail.
 */
export function raceTransports(utp: Dialer, tcp: Dialer, headStartMs: number, outer: AbortSignal): Promise<{ kind: 'utp' | 'tcp'; socket: PeerSocket }> {
  return new Promise((resolve, reject) => {
    const aborts = { utp: new AbortController(), tcp: new AbortController() };
    const onOuter = (): void => { aborts.utp.abort(); aborts.tcp.abort(); };
    outer.addEventListener('abort', onOuter, { once: true });
    let settled = false;
    let failures = 0;
    let tcpStarted = false;
    let timer: NodeJS.Timeout | undefined;
    const attempt = (kind: 'utp' | 'tcp', dialer: Dialer): void => {
      dialer(aborts[kind].signal).then((socket) => {
        if (settled) { socket.destroy(); return; }
        settled = true;
        clearTimeout(timer);
        outer.removeEventListener('abort', onOuter);
        aborts[kind === 'utp' ? 'tcp' : 'utp'].abort();
        resolve({ kind, socket });
      }, (err: unknown) => {
        if (settled) return;
        if (kind === 'utp' && !tcpStarted) startTcp();
        if (++failures === 2) {
          settled = true;
          outer.removeEventListener('abort', onOuter);
          reject(err);
        }
      });
    };
    const startTcp = (): void => {
      if (tcpStarted || settled) return;
      tcpStarted = true;
      clearTimeout(timer);
      attempt('tcp', tcp);
    };
    attempt('utp', utp);
    timer = setTimeout(startTcp, headStartMs);
  });
}
