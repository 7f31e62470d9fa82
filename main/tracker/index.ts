// Tessera's tracker: public API. startTracker() runs HTTP and/or UDP endpoints on one shared
// swarm store (port 0 picks a free port), for the CLI, the engine's loopback tests and benches.
import { createServer, type Server } from 'node:http';
import { loadAllowlist } from './allowlist.ts';
import { createTrackerHandler, type TrackerHandlerOptions } from './http-handler.ts';
import { createHttpCore } from './http-core.ts';
import { startFastHttpServer, type FastHttpServer } from './fast-http-server.ts';
import type { TcpTransport } from './tcp-conn.ts';
import { startUdpTracker, type UdpTracker } from './udp-server.ts';
import { Tracker } from './tracker.ts';

export { createTrackerHandler, type TrackerHandler, type TrackerHandlerOptions } from './http-handler.ts';
export { createHttpCore, type HttpCoreOptions, type CoreRequest, type CoreResponse } from './http-core.ts';
export { startFastHttpServer, type FastHttpServer, type FastHttpOptions } from './fast-http-server.ts';
export { Tracker, type TrackerOptions } from './tracker.ts';
export { startUdpTracker, type UdpTracker, type UdpTrackerOptions } from './udp-server.ts';
export { loadAllowlist, parseAllowlist } from './allowlist.ts';
export { RateLimiter, type RateLimitOptions } from './rate-limit.ts';

export interface StartTrackerOptions extends Omit<TrackerHandlerOptions, 'tracker'> {
  /** transport: the standalone server's TCP layer (tcp-conn.ts); default raw handles where available. */
  http?: { host: string; port: number; transport?: TcpTransport };
  udp?: { host: string; port: number };
  /** A file of hex info-hashes; reloaded on SIGHUP. */
  allowlistFile?: string;
  /** Most simultaneous HTTP connections. Default 10,000. */
  maxConnections?: number;
  /**
   * 'fast' (default): the tracker's own minimal HTTP/1.1 server (fast-http-server.ts);
   * 'node': node:http with createTrackerHandler, as when mounted in an application.
   */
  httpServer?: 'fast' | 'node';
  /** Report allowlist reloads and their problems. */
  log?: (line: string) => void;
}

export interface RunningTracker {
  httpUrl?: string;
  udpUrl?: string;
  tracker: Tracker;
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startTracker(opts: StartTrackerOptions): Promise<RunningTracker> {
  const tracker = new Tracker(opts);
  const log = opts.log ?? (() => {});
  let onHup: (() => void) | undefined;
  if (opts.allowlistFile !== undefined) {
    const file = opts.allowlistFile;
    const load = async (): Promise<void> => {
      const { hashes, badLines } = await loadAllowlist(file);
      tracker.setAllowlist(hashes);
      log(`allowlist: ${hashes.size} info-hashes from ${file}${badLines.length ? `; ignored lines ${badLines.slice(0, 10).join(', ')}` : ''}`);
    };
    await load();
    onHup = () => { load().catch((e: unknown) => log(`allowlist reload failed, keeping the old list: ${e instanceof Error ? e.message : String(e)}`)); };
    process.on('SIGHUP', onHup);
  }
  tracker.start();

  let server: Server | undefined;
  let fast: FastHttpServer | undefined;
  let udp: UdpTracker | undefined;
  const out: RunningTracker = {
    tracker,
    close: async () => {
      if (onHup !== undefined) process.off('SIGHUP', onHup);
      tracker.stop();
      await udp?.close();
      await fast?.close();
      if (server !== undefined) {
        const s = server;
        await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
      }
    },
  };
  try {
    if (opts.http !== undefined && opts.httpServer !== 'node') {
      fast = await startFastHttpServer(createHttpCore(tracker, opts), { ...opts.http, maxConnections: opts.maxConnections ?? 10_000 });
      out.httpUrl = `http://${hostForUrl(opts.http.host)}:${fast.port}/announce`;
    } else if (opts.http !== undefined) {
      const handler = createTrackerHandler({ ...opts, tracker });
      // Small header limit and short timeouts: a tracker request is one short GET line.
      const s = createServer({ maxHeaderSize: 8192, requestTimeout: 10_000, headersTimeout: 10_000, keepAliveTimeout: 15_000 }, (req, res) => handler(req, res));
      s.maxConnections = opts.maxConnections ?? 10_000;
      server = s;
      const { host, port } = opts.http;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => { s.off('error', reject); resolve(); });
      });
      const addr = s.address();
      const p = typeof addr === 'object' && addr !== null ? addr.port : port;
      out.httpUrl = `http://${hostForUrl(host)}:${p}/announce`;
    }
    if (opts.udp !== undefined) {
      udp = await startUdpTracker(tracker, opts.udp);
      out.udpUrl = `udp://${hostForUrl(opts.udp.host)}:${udp.port}/announce`;
    }
  } catch (e) {
    await out.close();
    throw e;
  }
  return out;
}
