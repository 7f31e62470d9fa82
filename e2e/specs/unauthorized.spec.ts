// Headless mode refuses everything without the token: the page, its assets, and the WebSocket
// (closed with 4401). With the token the UI loads and connects.
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { Spec } from '../harness/spec.ts';
import { sharedBrowser } from '../harness/targets.ts';

function wsCloseCode(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const t = setTimeout(() => { ws.terminate(); reject(new Error('no close within 10 s')); }, 10_000);
    ws.on('close', (code) => { clearTimeout(t); resolve(code); });
    ws.on('error', () => undefined);
  });
}

export const unauthorized: Spec = {
  name: 'a request without the token is refused',
  targets: ['headless'],
  async run({ target, log }) {
    const base = target.baseUrl;
    assert.ok(base && target.token);
    for (const path of ['', 'index.html', 'assets/', 'ws']) {
      const r: Response = await fetch(base + path);
      assert.equal(r.status, 401, `GET /${path} without a token`);
    }
    assert.equal((await fetch(`${base}?token=not-the-token`)).status, 401, 'a wrong token');
    const ws = base.replace(/^http/, 'ws') + 'ws';
    assert.equal(await wsCloseCode(ws), 4401, 'WebSocket without a token');
    assert.equal(await wsCloseCode(`${ws}?token=${'x'.repeat(43)}`), 4401, 'WebSocket with a wrong token');
    log('HTTP 401 and WebSocket 4401 without the token');

    // A browser without the token (fresh context: no cookie) gets the 401 page.
    const b = await sharedBrowser();
    const ctx = await b.newContext({ viewport: { width: 900, height: 300 } });
    try {
      const page = await ctx.newPage();
      const resp = await page.goto(base);
      assert.equal(resp?.status(), 401);
      assert.match(await page.textContent('body') ?? '', /Unauthorized/);
      await page.screenshot({ path: new URL('../../docs/screenshots/unauthorized.png', import.meta.url).pathname });
    } finally {
      await ctx.close();
    }

    // The target's page was opened with the token: the UI must have loaded and be connected.
    const page = target.page;
    await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, undefined, { timeout: 20_000 });
    const csp = (await fetch(`${base}?token=${target.token}`)).headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
  },
};
