// The HTTP tracker's request logic, independent of the HTTP server under it: a request (method,
// target, the socket's address, X-Forwarded-For, whether it has a body) in, a response (status,
// type, body, close?) out. Used by the node:http handler (http-handler.ts) and by the
// standalone server (fast-http-server.ts).
import type { Tracker } from './tracker.ts';
import { cidrContains, ipToBytes, parseCidr, type Cidr } from './protocol/address.ts';
import { DEFAULT_QUERY_LIMITS, parseAnnounce, parseScrape, type QueryLimits } from './protocol/query.ts';
import { encodeAnnounceReply, encodeFailure, encodeScrapeReply, type AnnounceReply } from './protocol/http-reply.ts';
import { TesseraError } from '../engine/errors.ts';

export interface HttpCoreOptions {
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed. Default: none. */
  trustProxy?: string[];
  /** Longest request target (path + query) accepted. Default 8 KiB. */
  maxUrlBytes?: number;
  queryLimits?: Partial<QueryLimits>;
  /** Serve `stats` and `metrics`. Default true. */
  stats?: boolean;
}

export interface CoreRequest {
  method: string;
  /** The request target: path and query. */
  url: string;
  /** The socket's peer address as Node reports it. */
  remoteAddress: string | undefined;
  /** X-Forwarded-For, all of its values joined with ','. */
  forwardedFor: string | undefined;
  hasBody: boolean;
}

export interface CoreResponse {
  status: number;
  type: string;
  body: Uint8Array | string;
  /** Close the connection after this response (a request with a body). */
  close: boolean;
}

export const TEXT = 'text/plain';
const COMPACT = { compact: true } as const;

/** Returns a function answering a request, or undefined for paths that are not the tracker's. */
export function createHttpCore(tracker: Tracker, options: HttpCoreOptions = {}): (r: CoreRequest) => CoreResponse | undefined {
  const proxies: Cidr[] = (options.trustProxy ?? []).map((c) => {
    const p = parseCidr(c);
    if (p === undefined) throw new TesseraError('BAD_ARGUMENT', `not an IP range: ${c}`);
    return p;
  });
  const limits: QueryLimits = { ...DEFAULT_QUERY_LIMITS, ...options.queryLimits };
  const maxUrl = options.maxUrlBytes ?? 8192;
  const statsOn = options.stats ?? true;
  const trusted = (bytes: string): boolean => proxies.some((c) => cidrContains(c, bytes));

  // The last socket address parsed: requests come in runs from one address (a keep-alive
  // connection, a busy NAT), and parsing it again per request showed in the profile.
  let lastText: string | undefined;
  let lastBytes: { family: 4 | 6; bytes: string } | undefined;

  /** The socket's address, or X-Forwarded-For's rightmost untrusted hop behind trusted proxies. */
  function clientAddress(r: CoreRequest): { family: 4 | 6; bytes: string } | undefined {
    const text = r.remoteAddress ?? '';
    if (text !== lastText) { lastText = text; lastBytes = ipToBytes(text); }
    const direct = lastBytes;
    if (direct === undefined || proxies.length === 0 || !trusted(direct.bytes)) return direct;
    const xff = r.forwardedFor;
    if (xff === undefined || xff.length > 2048) return direct;
    const hops = xff.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const a = ipToBytes((hops[i] ?? '').trim());
      if (a === undefined) return direct; // a malformed chain is not believed at all
      if (!trusted(a.bytes)) return a;
    }
    return direct;
  }

  // Defined once, not per request (each closure made per request is an allocation, and tsx's
  // keep-names wrapper a call).
  const ok = (body: Uint8Array | string, type = TEXT): CoreResponse => ({ status: 200, type, body, close: false });
  const fail = (r: CoreRequest, reason: string): CoreResponse => {
    tracker.stats.counts.errors++;
    // A GET with a body is not a tracker request; closing avoids draining whatever follows.
    return { status: 200, type: TEXT, body: encodeFailure(reason), close: r.hasBody };
  };

  return (r: CoreRequest): CoreResponse | undefined => {
    const url = r.url;
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const query = q >= 0 ? url.slice(q + 1) : '';
    const segment = path.slice(path.lastIndexOf('/') + 1);
    const kind = segment.startsWith('announce') ? 'announce' : segment.startsWith('scrape') ? 'scrape'
      : statsOn && (segment === 'stats' || segment === 'metrics') ? segment : undefined;
    if (kind === undefined) return undefined;
    if (r.method !== 'GET') return fail(r, 'tracker requests are GET');
    if (url.length > maxUrl) return fail(r, `request too large (max ${maxUrl} bytes)`);
    if (r.hasBody) return fail(r, 'tracker requests have no body');

    if (kind === 'stats' || kind === 'metrics') {
      if (kind === 'metrics' || /(^|&)format=prometheus(&|$)/.test(query)) return ok(tracker.statsPrometheus(), 'text/plain; version=0.0.4');
      return ok(JSON.stringify(tracker.statsJson()), 'application/json');
    }
    if (kind === 'scrape') {
      const parsed = parseScrape(query, limits);
      if (!parsed.ok) return fail(r, parsed.reason);
      return ok(encodeScrapeReply(tracker.scrape(parsed.value.infoHashes)));
    }
    const parsed = parseAnnounce(query, limits);
    if (!parsed.ok) return fail(r, parsed.reason);
    const from = clientAddress(r);
    if (from === undefined) return fail(r, 'cannot tell your address');
    const a = parsed.value;
    const out = tracker.announce(a, from, 'http', !a.compact && !a.noPeerId);
    if ('refused' in out) return ok(encodeFailure(out.refused));
    // Built field by field, not spread from `out`: one object shape on the hot path.
    const reply: AnnounceReply = {
      interval: tracker.interval, minInterval: tracker.minInterval, complete: out.complete, incomplete: out.incomplete,
      compact4: out.compact4, compact6: out.compact6,
    };
    if (out.ids4 !== undefined) reply.ids4 = out.ids4;
    if (out.ids6 !== undefined) reply.ids6 = out.ids6;
    if (out.warning !== undefined) reply.warning = out.warning;
    return ok(encodeAnnounceReply(reply, a.compact ? COMPACT : { compact: false, noPeerId: a.noPeerId }));
  };
}
