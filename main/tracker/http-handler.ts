// The HTTP tracker as a plain `(req, res[, next])` handler: mount it in any node:http server or
// framework, under any path. The last path segment picks the endpoint: `announce*` (BEP 3),
// `scrape*` (BEP 48: the announce URL with "announce" replaced by "scrape"), `stats` (JSON, or
// Prometheus text with ?format=prometheus) and `metrics` (Prometheus). Anything else goes to
// `next` when given, else 404. Every refused request gets HTTP 200 with a bencoded
// `failure reason`, because that is what BitTorrent clients read. The logic is in http-core.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Tracker, type TrackerOptions } from './tracker.ts';
import { createHttpCore, TEXT, type HttpCoreOptions } from './http-core.ts';

export interface TrackerHandlerOptions extends TrackerOptions, HttpCoreOptions {
  /** Share a tracker with a UDP server (or another handler); otherwise one is made from the options. */
  tracker?: Tracker;
}

export type TrackerHandler = ((req: IncomingMessage, res: ServerResponse, next?: () => void) => void) & { tracker: Tracker };

export function createTrackerHandler(options: TrackerHandlerOptions = {}): TrackerHandler {
  const tracker = options.tracker ?? new Tracker(options);
  if (options.tracker === undefined) tracker.start();
  const core = createHttpCore(tracker, options);

  const handler = (req: IncomingMessage, res: ServerResponse, next?: () => void): void => {
    const xff = req.headers['x-forwarded-for'];
    const out = core({
      method: req.method ?? '',
      url: req.url ?? '/',
      remoteAddress: req.socket.remoteAddress,
      forwardedFor: Array.isArray(xff) ? xff.join(',') : xff,
      hasBody: req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0',
    });
    if (out === undefined) {
      if (next !== undefined) { next(); return; }
      res.writeHead(404, { 'Content-Type': TEXT, 'Content-Length': 10 });
      res.end('not found\n');
      return;
    }
    const headers: Record<string, string | number> = {
      'Content-Type': out.type,
      'Content-Length': typeof out.body === 'string' ? Buffer.byteLength(out.body) : out.body.length,
    };
    if (out.close) headers.Connection = 'close';
    res.writeHead(out.status, headers);
    res.end(out.body);
  };
  return Object.assign(handler, { tracker });
}
