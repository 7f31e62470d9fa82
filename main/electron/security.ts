// Window security in one place (STYLE.md §9): a strict CSP on everything we serve, no navigation,
// no new windows, external links only as parsed http(s) URLs in the system browser, every
// permission request denied, and IPC accepted only from our own page.
import { session, shell, type WebContents } from 'electron';
import { ELECTRON_CSP, safeExternalUrl } from './security-policy.ts';

export { APP_HOST, APP_ORIGIN, APP_SCHEME, APP_URL, ELECTRON_CSP, isTrustedUrl, safeExternalUrl } from './security-policy.ts';

export function openExternalSafely(raw: string): void {
  const url = safeExternalUrl(raw);
  if (url) void shell.openExternal(url);
}

export function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // Belt and braces: the CSP header on every response, whatever index.html's meta tag says.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CSP] } });
  });
}

export function hardenWebContents(wc: WebContents): void {
  wc.on('will-navigate', (event, url) => {
    event.preventDefault();
    openExternalSafely(url);
  });
  wc.on('will-redirect', (event) => event.preventDefault());
  wc.on('will-attach-webview', (event) => event.preventDefault());
  wc.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
}
