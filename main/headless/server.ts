// Headless mode's front door: node:http serving the built renderer, and a WebSocket (the `ws`
// package) carrying the contract. Everything needs the token — as ?token=, an Authorization:
// Bearer header, or the HttpOnly SameSite=Strict cookie set when the page is first opened with
// ?token= (the page's own scripts and styles are then fetched with the cookie). Without it: HTTP
// 401, or a WebSocket closed with 4401 so the client stops reconnecting.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { WS_CLOSE_UNAUTHORIZED, WS_MAX_PAYLOAD, WS_PATH } from '../../shared/ws-protocol.ts';
import { rendererMissingPage, serveStatic } from './static-files.ts';
import { tokensEqual } from './token.ts';
import { attachClient, type HeadlessEngine } from './ws-connection.ts';

export const COOKIE = 'tessera_token';
export const MAX_CLIENTS = 32;

export const HEADLESS_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self' ws:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': HEADLESS_CSP,
  'x-content-type-options': 'nosniff',
  // The token is in the page URL: never let it leave in a Referer header.
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface HeadlessServerOptions {
  engine: HeadlessEngine;
  token: string;
  /** The built renderer (out/renderer). */
  staticDir: string;
  host?: string;
  port?: number;
}

export interface HeadlessServer {
  readonly host: string;
  readonly port: number;
  /** The URL to open, token included. */
  readonly url: string;
  close(): Promise<void>;
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

export function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const q = url.searchParams.get('token');
  if (q) return q;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return cookieToken(req);
}

/** A browser sends Origin on WebSocket handshakes; a page on another site must not connect. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser (CLI clients, tests)
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export async function startHeadlessServer(opts: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = opts.host ?? '127.0.0.1';
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  let clients = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const given = requestToken(req, url);
    if (!tokensEqual(opts.token, given)) {
      res.writeHead(401, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="tessera"' });
      res.end('401 Unauthorized: open the URL printed by `tessera serve` (it carries ?token=…)\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const headers: Record<string, string> = { ...SECURITY_HEADERS };
    if (url.searchParams.has('token')) {
      headers['set-cookie'] = `${COOKIE}=${opts.token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (url.pathname === WS_PATH) {
      res.writeHead(426, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end('use a WebSocket\n');
      return;
    }
    if (!existsSync(join(opts.staticDir, 'index.html'))) {
      res.writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end(rendererMissingPage(opts.staticDir));
      return;
    }
    serveStatic(opts.staticDir, url.pathname, req.method, res, headers).catch(() => res.destroy());
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH || !sameOrigin(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!tokensEqual(opts.token, requestToken(req, url))) {
        ws.close(WS_CLOSE_UNAUTHORIZED, 'unauthorized');
        return;
      }
      if (clients >= MAX_CLIENTS) {
        ws.close(1013, 'too many clients');
        return;
      }
      clients++;
      ws.once('close', () => { clients--; });
      attachClient(ws, opts.engine);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    host: addr.address,
    port: addr.port,
    url: `http://${urlHost}:${addr.port}/?token=${opts.token}`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
