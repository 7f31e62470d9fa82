// BEP 15 UDP tracker client: connect → announce/scrape, with random transaction ids, the
// connection id reused for 60 s, and retransmission after base·2^n (n = 0, 1, … up to maxRetries).
// BEP 15 uses base = 15 s and n up to 8; both are injectable so tests run in milliseconds.

import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { TesseraError } from '../errors.ts';
import type { TrackerClient } from './http-tracker.ts';
import { toHex, type AnnounceParams, type AnnounceResponse, type ScrapeEntry } from './tracker-codec.ts';
import {
  MAX_SCRAPE_HASHES, encodeAnnounce, encodeConnect, encodeScrape, parseUdpReply, peekTransactionId, type UdpReply,
} from './udp-codec.ts';

export interface UdpTrackerOptions {
  /** First retransmission timeout (BEP 15: 15 s). */
  baseTimeoutMs?: number;
  /** Largest n in base·2^n; the request fails after that attempt times out (BEP 15: 8). */
  maxRetries?: number;
  /** How long a connection id stays usable after it was received (BEP 15: 1 minute). */
  connectionIdTtlMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

interface Pending {
  resolve: (r: UdpReply) => void;
  reject: (e: TesseraError) => void;
}

function randomU32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

export class UdpTracker implements TrackerClient {
  readonly url: string;
  #host: string;
  #port: number;
  #base: number;
  #maxRetries: number;
  #ttl: number;
  #now: () => number;
  #socket: dgram.Socket | null = null;
  #family: 4 | 6 = 4;
  #address = '';
  #opening: Promise<void> | null = null;
  #pending = new Map<number, Pending>();
  #connection: { id: bigint; at: number } | null = null;
  /** Bumped by close(), so a socket whose bind finishes after close() is thrown away. */
  #generation = 0;

  constructor(url: string, opts: UdpTrackerOptions = {}) {
    const u = new URL(url);
    if (u.protocol !== 'udp:') throw new TesseraError('BAD_ARGUMENT', `not a UDP tracker: ${url}`);
    const port = Number(u.port);
    if (!Number.isInteger(port) || port <= 0 || port > 0xffff) throw new TesseraError('BAD_ARGUMENT', `UDP tracker needs a port: ${url}`);
    this.url = url;
    this.#host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    this.#port = port;
    this.#base = opts.baseTimeoutMs ?? 15_000;
    this.#maxRetries = opts.maxRetries ?? 8;
    this.#ttl = opts.connectionIdTtlMs ?? 60_000;
    this.#now = opts.now ?? Date.now;
  }

  async announce(p: AnnounceParams, signal?: AbortSignal): Promise<AnnounceResponse> {
    const r = await this.#request((cid, tid) => encodeAnnounce(cid, tid, p), 'announce', signal);
    if (r.action !== 'announce') throw new TesseraError('TRACKER_PROTOCOL', `expected announce reply, got ${r.action}`);
    return { interval: r.interval, complete: r.seeders, incomplete: r.leechers, peers: r.peers };
  }

  async scrape(infoHashes: Uint8Array[], signal?: AbortSignal): Promise<Map<string, ScrapeEntry>> {
    const out = new Map<string, ScrapeEntry>();
    for (let i = 0; i < infoHashes.length; i += MAX_SCRAPE_HASHES) {
      const batch = infoHashes.slice(i, i + MAX_SCRAPE_HASHES);
      const r = await this.#request((cid, tid) => encodeScrape(cid, tid, batch), 'scrape', signal);
      if (r.action !== 'scrape') throw new TesseraError('TRACKER_PROTOCOL', `expected scrape reply, got ${r.action}`);
      batch.forEach((h, j) => {
        const e = r.entries[j];
        if (e !== undefined) out.set(toHex(h), e);
      });
    }
    return out;
  }

  /** Close the socket and fail pending requests; a later request opens a new socket. */
  close(): void {
    this.#generation++;
    this.#connection = null;
    for (const p of this.#pending.values()) p.reject(new TesseraError('ABORTED', 'UDP tracker client closed'));
    this.#pending.clear();
    this.#socket?.close();
    this.#socket = null;
  }

  async #open(): Promise<void> {
    if (this.#socket !== null) return;
    const generation = this.#generation;
    this.#opening ??= (async () => {
      const family = isIP(this.#host);
      const address = family !== 0 ? this.#host : (await lookup(this.#host)).address;
      this.#family = isIP(address) === 6 ? 6 : 4;
      this.#address = address;
      const socket = dgram.createSocket(this.#family === 6 ? 'udp6' : 'udp4');
      socket.on('message', (msg, rinfo) => this.#onMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), rinfo));
      socket.on('error', () => {
        // ICMP-driven errors (e.g. port unreachable) surface here; the retransmit timer copes.
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      socket.unref();
      if (generation !== this.#generation) {
        socket.close();
        throw new TesseraError('ABORTED', 'UDP tracker client closed');
      }
      this.#socket = socket;
    })();
    try {
      await this.#opening;
    } finally {
      this.#opening = null;
    }
  }

  #onMessage(msg: Uint8Array, rinfo: dgram.RemoteInfo): void {
    // Only the tracker may answer: a packet from elsewhere is ignored (spoofed or stray).
    if (rinfo.port !== this.#port || normalize(rinfo.address) !== normalize(this.#address)) return;
    const tid = peekTransactionId(msg);
    if (tid === null) return;
    const pending = this.#pending.get(tid);
    if (pending === undefined) return;
    this.#pending.delete(tid);
    try {
      pending.resolve(parseUdpReply(msg, this.#family));
    } catch (e) {
      pending.reject(e instanceof TesseraError ? e : new TesseraError('TRACKER_PROTOCOL', String(e)));
    }
  }

  /** Send one packet and wait up to timeoutMs for the reply with its transaction id; null on timeout. */
  #exchange(build: (tid: number) => Uint8Array, timeoutMs: number, signal?: AbortSignal): Promise<UdpReply | null> {
    const socket = this.#socket;
    if (socket === null) return Promise.reject(new TesseraError('ABORTED', 'UDP tracker client closed'));
    let tid = randomU32();
    while (this.#pending.has(tid)) tid = randomU32();
    const packet = build(tid);
    return new Promise<UdpReply | null>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(tid);
        // An idle client must not keep the process alive; a waiting one must.
        if (this.#pending.size === 0) this.#socket?.unref();
      };
      const onAbort = (): void => {
        done();
        reject(new TesseraError('ABORTED', 'UDP tracker request aborted', { cause: signal?.reason }));
      };
      const timer = setTimeout(() => {
        done();
        resolve(null);
      }, timeoutMs);
      timer.unref();
      if (signal?.aborted === true) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.ref();
      this.#pending.set(tid, {
        resolve: (r) => { done(); resolve(r); },
        reject: (e) => { done(); reject(e); },
      });
      socket.send(packet, this.#port, this.#address, (err) => {
        if (err) {
          done();
          reject(new TesseraError('TRACKER_PROTOCOL', `UDP send failed: ${err.message}`, { cause: err }));
        }
      });
    });
  }

  async #request(build: (cid: bigint, tid: number) => Uint8Array, what: string, signal?: AbortSignal): Promise<UdpReply> {
    await this.#open();
    let connectedHere = false; // the connection id in use was obtained by this very request
    let reconnected = false;
    for (let n = 0; n <= this.#maxRetries; ) {
      const timeout = this.#base * 2 ** n;
      const c = this.#connection;
      if (c === null || this.#now() - c.at >= this.#ttl) {
        this.#connection = null;
        const r = await this.#exchange((tid) => encodeConnect(tid), timeout, signal);
        if (r === null) { n++; continue; }
        if (r.action === 'error') throw new TesseraError('TRACKER_FAILURE', r.message);
        if (r.action !== 'connect') throw new TesseraError('TRACKER_PROTOCOL', `expected connect reply, got ${r.action}`);
        this.#connection = { id: r.connectionId, at: this.#now() };
        connectedHere = true;
        continue; // an answer came, so n does not grow
      }
      const r = await this.#exchange((tid) => build(c.id, tid), timeout, signal);
      if (r === null) { n++; continue; }
      if (r.action === 'error') {
        // A tracker that forgot our connection id answers with an error: reconnect once.
        if (!connectedHere && !reconnected) {
          reconnected = true;
          this.#connection = null;
          continue;
        }
        throw new TesseraError('TRACKER_FAILURE', r.message);
      }
      return r;
    }
    throw new TesseraError('TRACKER_PROTOCOL', `UDP tracker did not answer the ${what} (${this.#maxRetries + 1} attempts)`);
  }
}

function normalize(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a.toLowerCase();
}
