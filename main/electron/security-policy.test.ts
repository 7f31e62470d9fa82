import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ELECTRON_CSP, isTrustedUrl, safeExternalUrl } from './security-policy.ts';

test('IPC is accepted only from app://tessera pages', () => {
  assert.ok(isTrustedUrl('app://tessera/index.html'));
  for (const u of ['file:///work/out/renderer/index.html', 'https://tessera/index.html', 'app://evil/index.html', 'app://tessera.evil/', '', undefined, 'not a url']) {
    assert.equal(isTrustedUrl(u), false, String(u));
  }
});

test('only parsed http(s) URLs without credentials go to the system browser', () => {
  assert.equal(safeExternalUrl('https://example.org/a b'), 'https://example.org/a%20b');
  assert.equal(safeExternalUrl('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/');
  for (const u of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'magnet:?xt=urn:btih:x', 'https://user:pw@example.org/', '//example.org', 'ms-msdt:/id']) {
    assert.equal(safeExternalUrl(u), undefined, u);
  }
});

test("the CSP starts from default-src 'none' and allows no inline script", () => {
  assert.match(ELECTRON_CSP, /^default-src 'none'/);
  assert.match(ELECTRON_CSP, /script-src 'self'(;|$)/);
  assert.doesNotMatch(ELECTRON_CSP, /unsafe-(inline|eval)/);
});
