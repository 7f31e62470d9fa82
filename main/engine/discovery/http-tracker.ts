// HTTP(S) tracker client: one GET per announce or scrape, body capped, cancelled by AbortSignal.
// node:http rather than fetch so the socket is not pooled (agent: false) and the reply size is
// enforced while streaming, before the bytes pile up.

import http from 'node:http';
import https from 'node:https';
import { TesseraError } from '../errors.ts';
import {
  MAX_HTTP_REPLY_BYTES, buildAnnounceUrl, buildScrapeUrl, parseAnnounceReply, parseScrapeReply,
  type AnnounceParams, type AnnounceResponse, type ScrapeEntry,
} from './tracker-codec.ts';

export interface TrackerClient {
  readonly url: string;
  announce(p: AnnounceParams, signal?: AbortSignal): Promise<AnnounceResponse>;
  /** Results keyed by lowercase hex info-hash. */
  scrape(infoHashes: Uint8Array[], signal?: AbortSignal): Promise<Map<string, ScrapeEntry>>;
  close(): void;
}

export interface HttpTrackerOptions {
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  maxReplyBytes?: number;
  userAgent?: string;
}

export class HttpTracker implements TrackerClient {
  readonly url: string;
  #timeoutMs: number;
  #maxBytes: number;
  #userAgent: string;

  constructor(url: string, opts: HttpTrackerOptions = {}) {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TesseraError('BAD_ARGUMENT', `not an HTTP tracker: ${url}`);
    this.url = url;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#maxBytes = opts.maxReplyBytes ?? MAX_HTTP_REPLY_BYTES;
    this.#userAgent = opts.userAgent ?? 'Tessera/0.1.0';
  }

  async announce(p: AnnounceParams, signal?: AbortSignal): Promise<AnnounceResponse> {
    return parseAnnounceReply(await this.#get(buildAnnounceUrl(this.url, p), signal));
  }

  async scrape(infoHashes: Uint8Array[], signal?: AbortSignal): Promise<Map<string, ScrapeEntry>> {
    const url = buildScrapeUrl(this.url, infoHashes);
    if (url === null) throw new TesseraError('TRACKER_PROTOCOL', `tracker does not support scrape: ${this.url}`);
    return parseScrapeReply(await this.#get(url, signal));
  }

  close(): void {
    // Nothing pooled: every request has its own socket.
  }

  #get(url: string, outer?: AbortSignal): Promise<Uint8Array> {
    const signal = outer === undefined ? AbortSignal.timeout(this.#timeoutMs) : AbortSignal.any([outer, AbortSignal.timeout(this.#timeoutMs)]);
    return new Promise<Uint8Array>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortError(signal));
        return;
      }
      const mod = url.startsWith('https:') ? https : http;
      const req = mod.get(url, { agent: false, signal, headers: { 'user-agent': this.#userAgent, 'accept-encoding': 'identity' } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > this.#maxBytes) {
          req.destroy(new TesseraError('TRACKER_PROTOCOL', `tracker reply of ${declared} bytes exceeds ${this.#maxBytes}`));
          return;
        }
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.#maxBytes) {
            req.destroy(new TesseraError('TRACKER_PROTOCOL', `tracker reply exceeds ${this.#maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const body = new Uint8Array(Buffer.concat(chunks, size));
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            // Some trackers explain a 4xx in a bencoded `failure reason`: prefer their words.
            try {
              parseAnnounceReply(body);
            } catch (e) {
              if (e instanceof TesseraError && e.code === 'TRACKER_FAILURE') {
                reject(e);
                return;
              }
            }
            reject(new TesseraError('TRACKER_PROTOCOL', `tracker answered HTTP ${status}`));
            return;
          }
          resolve(body);
        });
        res.on('error', (e) => reject(wrap(e, signal)));
      });
      req.on('error', (e) => reject(wrap(e, signal)));
    });
  }
}

function abortError(signal: AbortSignal): TesseraError {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return new TesseraError('TRACKER_PROTOCOL', 'tracker timed out', { cause: reason });
  return new TesseraError('ABORTED', 'tracker request aborted', { cause: reason });
}

function wrap(e: unknown, signal: AbortSignal): TesseraError {
  if (e instanceof TesseraError) return e;
  if (signal.aborted) return abortError(signal);
  return new TesseraError('TRACKER_PROTOCOL', `tracker unreachable: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}
