// The pure half of the window security rules (no electron import, so it is unit-tested):
// which origin may use IPC, the CSP, and which URLs may go to the system browser.

export const APP_SCHEME = 'app';
export const APP_HOST = 'tessera';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

export const ELECTRON_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/** Only our own top-level page may talk to the engine. */
export function isTrustedUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The URL to hand to the system browser, or undefined: only absolute http(s) URLs. */
export function safeExternalUrl(raw: string): string | undefined {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    if (u.username || u.password) return undefined;
    return u.href;
  } catch {
    return undefined;
  }
}

