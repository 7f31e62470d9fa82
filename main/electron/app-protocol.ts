// Serves the built renderer on app://tessera/ instead of file://, so the page has a real origin
// (IPC checks it), gets CSP headers, and cannot read arbitrary files by URL.
import { net, protocol } from 'electron';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolveStatic } from '../headless/static-files.ts';
import { APP_HOST, APP_SCHEME, ELECTRON_CSP } from './security.ts';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? resolveStatic(rendererDir, url.pathname) : undefined;
    if (!file || !existsSync(file)) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).href);
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', ELECTRON_CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}
