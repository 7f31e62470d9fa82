// Web seeds of one torrent (BEP 19 url-list, BEP 17 httpseeds) as sources for the picker. Each
// seed "has every piece": it asks the picker for blocks under its own peer key, fetches them over
// HTTP in runs (BEP 19: one range request per file span of a run of consecutive blocks, across
// pieces; BEP 17: one request per piece with `ranges`), and hands the bytes to the same assembler
// and hash check as peer data. A seed whose data fails a hash check is dropped for good; one that
// errors backs off and is dropped after repeated failures.
import type { PeerSummary } from '../../../shared/snapshot.ts';
import type { Metainfo } from '../metainfo/types.ts';
import type { PiecePicker } from '../pieces/picker.ts';
import type { BlockRequest } from '../pieces/downloading-piece.ts';
import { RateMeter } from '../rate/rate-meter.ts';
import { fetchBytes, HttpSeedBusy } from './http-fetch.ts';
import { fileUrls, httpSeedUrl, mapRange } from './url-map.ts';

/** Bytes asked of a seed per round (a few pieces at the usual sizes). */
const ROUND_BYTES = 1024 * 1024;
const MAX_FAILURES = 5;
const PARALLEL = 3;
const BACKOFF_MS = 5_000;
/** Peer keys for web seeds sit far above the torrent's peer keys (which count up from 1). */
const KEY_BASE = 1_000_000_000;

export interface WebSeedHost {
  meta: Metainfo;
  infoHash: Uint8Array;
  picker(): PiecePicker;
  /** Whether the torrent downloads right now (not paused, checking, complete or errored). */
  downloading(): boolean;
  /** A block for the assembler, attributed to `key` (the hash check blames this key). */
  block(piece: number, begin: number, data: Uint8Array, key: number): void;
  /** Payload bytes received (the torrent's rate meter); returns ms to wait under the download limit. */
  received(n: number): number;
  warning(message: string): void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

class WebSeed {
  readonly key: number;
  readonly url: string;
  readonly kind: 'url-list' | 'httpseeds';
  readonly down = new RateMeter();
  downloaded = 0;
  failures = 0;
  badPieces = 0;
  notBefore = 0;
  dropped = false;
  /** Rounds running (each is one HTTP request at a time). */
  inflight = 0;
  #fileUrls: string[];

  constructor(key: number, url: string, kind: 'url-list' | 'httpseeds', meta: Metainfo) {
    this.key = key;
    this.url = url;
    this.kind = kind;
    this.#fileUrls = kind === 'url-list' ? fileUrls(url, meta) : [];
  }

  /** Fetch the bytes of `blocks` (any order) and deliver them block by block. */
  async fetch(host: WebSeedHost, blocks: BlockRequest[], signal: AbortSignal): Promise<void> {
    const pl = host.meta.pieceLength;
    const sorted = [...blocks].sort((a, b) => a.piece * pl + a.begin - (b.piece * pl + b.begin));
    // Runs of blocks adjacent in the stream (BEP 17: and inside one piece).
    const runs: BlockRequest[][] = [];
    for (const b of sorted) {
      const last = runs[runs.length - 1];
      const prev = last?.[last.length - 1];
      const adjacent = prev !== undefined && prev.piece * pl + prev.begin + prev.length === b.piece * pl + b.begin &&
        (this.kind === 'url-list' || prev.piece === b.piece);
      if (adjacent && last !== undefined) last.push(b);
      else runs.push([b]);
    }
    for (const run of runs) {
      const first = run[0] as BlockRequest;
      const length = run.reduce((a, b) => a + b.length, 0);
      const data = this.kind === 'url-list'
        ? await this.#fetchStream(first.piece * pl + first.begin, length, host, signal)
        : await this.#fetchPiece(first.piece, first.begin, length, host, signal);
      let o = 0;
      for (const b of run) {
        if (signal.aborted) return;
        host.block(b.piece, b.begin, data.subarray(o, o + b.length), this.key);
        o += b.length;
      }
      this.downloaded += length;
      this.down.add(length);
      // The session's download limit covers web seeds too: pause before the next request.
      const wait = host.received(length);
      if (wait > 0) await sleep(Math.min(wait, 5000), signal);
    }
  }

  async #fetchStream(start: number, length: number, host: WebSeedHost, signal: AbortSignal): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let o = 0;
    for (const r of mapRange(host.meta, this.#fileUrls, start, length)) {
      if (r.url !== undefined) out.set(await fetchBytes(r.url, { range: { start: r.fileOffset, length: r.length }, length: r.length, signal }), o);
      o += r.length; // padding spans stay zero
    }
    return out;
  }

  #fetchPiece(piece: number, begin: number, length: number, host: WebSeedHost, signal: AbortSignal): Promise<Uint8Array> {
    const whole = begin === 0 && length === host.picker().pieceSize(piece);
    const url = httpSeedUrl(this.url, host.infoHash, piece, whole ? undefined : [{ begin, end: begin + length }]);
    return fetchBytes(url, { length, signal });
  }

  summary(): PeerSummary {
    let ip = '';
    let port = 0;
    try {
      const u = new URL(this.url);
      ip = u.hostname;
      port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
    } catch { /* summary of a bad URL: left blank */ }
    return {
      id: this.url, ip, port, client: this.kind === 'url-list' ? 'web seed (BEP 19)' : 'HTTP seed (BEP 17)',
      flags: { amChoking: true, amInterested: this.inflight > 0, peerChoking: false, peerInterested: false, incoming: false, snubbed: false },
      source: 'webseed', progress: 1, downRate: this.down.rate(), upRate: 0, downloaded: this.downloaded, uploaded: 0,
    };
  }
}

export class WebSeeds {
  readonly #host: WebSeedHost;
  readonly #seeds: WebSeed[] = [];
  readonly #abort = new AbortController();
  #closed = false;

  constructor(host: WebSeedHost) {
    this.#host = host;
    let k = KEY_BASE;
    const seen = new Set<string>();
    const add = (url: string, kind: 'url-list' | 'httpseeds'): void => {
      if (seen.has(url) || !/^https?:\/\//i.test(url) || this.#seeds.length >= 16) return;
      seen.add(url);
      this.#seeds.push(new WebSeed(k++, url, kind, host.meta));
    };
    for (const u of host.meta.urlList) add(u, 'url-list');
    for (const u of host.meta.httpSeeds) add(u, 'httpseeds');
  }

  get count(): number {
    return this.#seeds.filter((s) => !s.dropped).length;
  }

  /** About once a second: start a round on every idle seed while the torrent downloads. */
  tick(now: number): void {
    if (this.#closed || !this.#host.downloading()) return;
    for (const s of this.#seeds) {
      // A few requests in flight per seed: one would leave the link idle while a reply's blocks
      // are handed over and the next request goes out.
      // (A round with nothing to do ends synchronously, so this counts starts, not the in-flight total.)
      for (let i = s.inflight; i < PARALLEL && !s.dropped && s.notBefore <= now; i++) {
        s.inflight++;
        void this.#round(s);
      }
    }
  }

  async #round(s: WebSeed): Promise<void> {
    const picker = this.#host.picker();
    try {
      while (!this.#closed && !s.dropped && this.#host.downloading()) {
        const max = Math.max(1, Math.floor(ROUND_BYTES / (16 * 1024)));
        const blocks = picker.pick('all', s.key, max);
        if (blocks.length === 0) break;
        await s.fetch(this.#host, blocks, this.#abort.signal);
        s.failures = 0;
      }
    } catch (e) {
      if (this.#closed) return;
      picker.onPeerGone(s.key); // its unfinished blocks go back to the pool
      s.failures++;
      const busy = e instanceof HttpSeedBusy;
      s.notBefore = Date.now() + (busy ? e.retryAfterSec * 1000 : BACKOFF_MS * 2 ** Math.min(s.failures, 6));
      if (!busy && s.failures >= MAX_FAILURES) this.#drop(s, `failed ${s.failures} times: ${e instanceof Error ? e.message : String(e)}`);
      else this.#host.warning(`web seed ${s.url}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      s.inflight--;
    }
  }

  /**
   * A piece failed its hash check. A web seed that was its only source is dropped at once; one
   * that shared the piece with others (a peer may be the liar) is dropped on its third such piece.
   */
  failed(contributors: number[]): void {
    for (const s of this.#seeds) {
      if (s.dropped || !contributors.includes(s.key)) continue;
      s.badPieces++;
      if (contributors.length === 1 || s.badPieces >= 3) this.#drop(s, `sent data that failed the hash check (${s.badPieces} bad pieces)`);
    }
  }

  #drop(s: WebSeed, why: string): void {
    s.dropped = true;
    this.#host.picker().onPeerGone(s.key);
    this.#host.warning(`dropped web seed ${s.url}: ${why}`);
  }

  summaries(): PeerSummary[] {
    return this.#seeds.filter((s) => !s.dropped).map((s) => s.summary());
  }

  close(): void {
    this.#closed = true;
    this.#abort.abort();
  }
}
