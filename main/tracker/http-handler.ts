// The HTTP tracker as a plain `(req, res[, next])` handler: mount it in any node:http server or
// framework, under any path. The last path segment picks the endpoint: `announce*` (BEP 3),
// `scrape*` (BEP 48: the announce URL with "announce" replaced by "scrape"), `stats` (JSON, or
// Prometheus text with ?format=prometheus) and `metrics` (Prometheus). Anything else goes to
// `next` when given, else 404. Every refused request gets HTTP 200 with a bencoded
// `failure reason`, because that is what BitTorrent clients read.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Tracker, type TrackerOptions } from './tracker.ts';
import { cidrContains, ipToBytes, parseCidr, type Cidr } from './protocol/address.ts';
import { DEFAULT_QUERY_LIMITS, parseAnnounce, parseScrape, type QueryLimits } from './protocol/query.ts';
import { encodeAnnounceReply, encodeFailure, encodeScrapeReply } from './protocol/http-reply.ts';
import { TesseraError } from '../engine/errors.ts';

export interface TrackerHandlerOptions extends TrackerOptions {
  /** Share a tracker with a UDP server (or another handler); otherwise one is made from the options. */
  tracker?: Tracker;
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed. Default: none. */
  trustProxy?: string[];
  /** Longest request target (path + query) accepted. Default 8 KiB. */
  maxUrlBytes?: number;
  queryLimits?: Partial<QueryLimits>;
  /** Serve `stats` and `metrics`. Default true. */
  stats?: boolean;
}

export type TrackerHandler = ((req: IncomingMessage, res: ServerResponse, next?: () => void) => void) & { tracker: Tracker };

const TEXT = 'text/plain';

function send(res: ServerResponse, status: number, type: string, body: Uint8Array | string, close = false): void {
  const headers: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length };
  if (close) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}

export function createTrackerHandler(options: TrackerHandlerOptions = {}): TrackerHandler {
  const tracker = options.tracker ?? new Tracker(options);
  if (options.tracker === undefined) tracker.start();
  const proxies: Cidr[] = (options.trustProxy ?? []).map((c) => {
    const p = parseCidr(c);
    if (p === undefined) throw new TesseraError('BAD_ARGUMENT', `not an IP range: ${c}`);
    return p;
  });
  const limits: QueryLimits = { ...DEFAULT_QUERY_LIMITS, ...options.queryLimits };
  const maxUrl = options.maxUrlBytes ?? 8192;
  const statsOn = options.stats ?? true;

  const trusted = (bytes: string): boolean => proxies.some((c) => cidrContains(c, bytes));

  /** The client's address: the socket's, or X-Forwarded-For's rightmost untrusted hop behind trusted proxies. */
  function clientAddress(req: IncomingMessage): { family: 4 | 6; bytes: string } | undefined {
    const direct = ipToBytes(req.socket.remoteAddress ?? '');
    if (direct === undefined || proxies.length === 0 || !trusted(direct.bytes)) return direct;
    const xff = req.headers['x-forwarded-for'];
    const text = Array.isArray(xff) ? xff.join(',') : xff;
    if (text === undefined || text.length > 2048) return direct;
    const hops = text.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const a = ipToBytes((hops[i] ?? '').trim());
      if (a === undefined) return direct; // a malformed chain is not believed at all
      if (!trusted(a.bytes)) return a;
    }
    return direct;
  }

  const handler = (req: IncomingMessage, res: ServerResponse, next?: () => void): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const query = q >= 0 ? url.slice(q + 1) : '';
    const segment = path.slice(path.lastIndexOf('/') + 1);
    const kind = segment.startsWith('announce') ? 'announce' : segment.startsWith('scrape') ? 'scrape'
      : statsOn && (segment === 'stats' || segment === 'metrics') ? segment : undefined;
    if (kind === undefined) {
      if (next !== undefined) { next(); return; }
      send(res, 404, TEXT, 'not found\n');
      return;
    }
    // A GET with a body is not a tracker request; closing avoids draining whatever follows.
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
    const fail = (reason: string): void => {
      tracker.stats.counts.errors++;
      send(res, 200, TEXT, encodeFailure(reason), hasBody);
    };
    if (req.method !== 'GET') { fail('tracker requests are GET'); return; }
    if (url.length > maxUrl) { fail(`request too large (max ${maxUrl} bytes)`); return; }
    if (hasBody) { fail('tracker requests have no body'); return; }

    if (kind === 'stats' || kind === 'metrics') {
      if (kind === 'metrics' || /(^|&)format=prometheus(&|$)/.test(query)) send(res, 200, 'text/plain; version=0.0.4', tracker.statsPrometheus());
      else send(res, 200, 'application/json', JSON.stringify(tracker.statsJson()));
      return;
    }
    if (kind === 'scrape') {
      const parsed = parseScrape(query, limits);
      if (!parsed.ok) { fail(parsed.reason); return; }
      send(res, 200, TEXT, encodeScrapeReply(tracker.scrape(parsed.value.infoHashes)));
      return;
    }
    const parsed = parseAnnounce(query, limits);
    if (!parsed.ok) { fail(parsed.reason); return; }
    const from = clientAddress(req);
    if (from === undefined) { fail('cannot tell your address'); return; }
    const a = parsed.value;
    const out = tracker.announce(a, from, 'http');
    if ('refused' in out) { send(res, 200, TEXT, encodeFailure(out.refused)); return; }
    const reply = { ...out, interval: tracker.interval, minInterval: tracker.minInterval };
    send(res, 200, TEXT, encodeAnnounceReply(reply, a.compact ? { compact: true } : { compact: false, noPeerId: a.noPeerId }));
  };
  return Object.assign(handler, { tracker });
}
