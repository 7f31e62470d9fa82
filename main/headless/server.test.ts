import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { DetailFrameDecoder } from '../../shared/detail-delta.ts';
import type { ServerMessage } from '../../shared/ws-protocol.ts';
import { runHeadless, type HeadlessHandle } from './run.ts';
import { loadOrCreateToken, tokensEqual } from './token.ts';
import { resolveStatic } from './static-files.ts';

const FAKE = { tsEntry: new URL('../engine-host/test-support/fake-engine-worker.ts', import.meta.url).href };

async function setup(t: { after(fn: () => Promise<void>): void }): Promise<{ h: HeadlessHandle; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-headless-'));
  const web = join(dir, 'web');
  await mkdir(join(web, 'assets'), { recursive: true });
  await writeFile(join(web, 'index.html'), '<!doctype html><title>T</title>');
  await writeFile(join(web, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'secret');
  const h = await runHeadless({ userDataDir: join(dir, 'ud'), port: 0, staticDir: web, workerData: FAKE });
  t.after(async () => { await h.close(); await rm(dir, { recursive: true, force: true }); });
  return { h, dir };
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function messages(ws: WebSocket) {
  const got: Array<ServerMessage | { binary: Uint8Array }> = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data, isBinary) => {
    const buf = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
    got.push(isBinary ? { binary: new Uint8Array(buf) } : JSON.parse(buf.toString('utf8')) as ServerMessage);
    for (const w of waiters.splice(0)) w();
  });
  const wait = <T>(pred: (m: ServerMessage | { binary: Uint8Array }) => m is T & (ServerMessage | { binary: Uint8Array }), ms = 5000): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), ms);
      const check = (): void => {
        const hit = got.find(pred);
        if (hit) { clearTimeout(timer); got.splice(got.indexOf(hit), 1); resolve(hit as T); } else waiters.push(check);
      };
      check();
    });
  return { got, wait };
}

test('HTTP without the token is refused with 401; with it the page is served with a strict CSP', async (t) => {
  const { h } = await setup(t);
  const port = h.server.port;
  assert.equal((await get(port, '/')).status, 401);
  assert.equal((await get(port, '/?token=wrong')).status, 401);
  assert.equal((await get(port, '/assets/app.js')).status, 401);
  const ok = await get(port, `/?token=${h.token}`);
  assert.equal(ok.status, 200);
  assert.match(String(ok.headers['content-security-policy']), /default-src 'none'/);
  assert.equal(ok.headers['referrer-policy'], 'no-referrer');
  const cookie = String(ok.headers['set-cookie']).split(';')[0]!;
  assert.match(String(ok.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
  const asset = await get(port, '/assets/app.js', { cookie });
  assert.equal(asset.status, 200);
  assert.match(String(asset.headers['content-type']), /javascript/);
  assert.equal((await get(port, '/assets/app.js', { authorization: `Bearer ${h.token}` })).status, 200);
  for (const p of ['/..%2fsecret.txt', '/../secret.txt', '/assets/..%2f..%2fsecret.txt', '/.hidden', '/%00']) {
    const r = await get(port, p, { cookie });
    assert.ok(r.status === 404 || r.status === 400, `${p} → ${r.status}`);
    assert.ok(!r.body.includes('secret'));
  }
});

test('the WebSocket refuses a missing or wrong token with close code 4401 and a foreign Origin with 403', async (t) => {
  const { h } = await setup(t);
  for (const q of ['', '?token=nope']) {
    const ws = new WebSocket(`ws://127.0.0.1:${h.server.port}/ws${q}`);
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    assert.equal(code, 4401);
  }
  const evil = new WebSocket(`ws://127.0.0.1:${h.server.port}/ws?token=${h.token}`, { origin: 'http://evil.example' });
  const err = await new Promise<string>((resolve) => { evil.on('error', (e) => resolve(e.message)); evil.on('open', () => resolve('opened')); });
  assert.match(err, /403/);
});

test('an authorised WebSocket gets the list, runs commands and receives the selected detail as a binary frame', async (t) => {
  const { h } = await setup(t);
  const ws = new WebSocket(`ws://127.0.0.1:${h.server.port}/ws?token=${h.token}`);
  const m = messages(ws);
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  t.after(() => ws.close());
  const first = await m.wait((x): x is Extract<ServerMessage, { t: 'event' }> => 't' in x && x.t === 'event' && x.event === 'torrents:update');
  assert.deepEqual(first.payload, { changed: [], removed: [], full: true });

  ws.send(JSON.stringify({ t: 'invoke', id: 1, command: 'torrent:add-file', arg: { torrentBase64: Buffer.from('d1:ai1ee').toString('base64') } }));
  const r1 = await m.wait((x): x is Extract<ServerMessage, { t: 'result' }> => 't' in x && x.t === 'result' && x.id === 1);
  assert.ok(r1.result.ok);
  const id = (r1.result.value as { id: string }).id;

  ws.send(JSON.stringify({ t: 'invoke', id: 2, command: 'torrent:select', arg: { id } }));
  const frame = await m.wait((x): x is { binary: Uint8Array } => 'binary' in x);
  assert.equal(new DetailFrameDecoder().decode(frame.binary).id, id);

  ws.send(JSON.stringify({ t: 'invoke', id: 3, command: 'torrent:remove', arg: { ids: ['zz'], deleteData: true } }));
  const r3 = await m.wait((x): x is Extract<ServerMessage, { t: 'result' }> => 't' in x && x.t === 'result' && x.id === 3);
  assert.equal(!r3.result.ok && r3.result.error.code, 'BAD_ARGUMENT');
  ws.send(JSON.stringify({ t: 'invoke', id: 4, command: 'torrent:open-folder', arg: { id } }));
  const r4 = await m.wait((x): x is Extract<ServerMessage, { t: 'result' }> => 't' in x && x.t === 'result' && x.id === 4);
  assert.equal(!r4.result.ok && r4.result.error.code, 'UNSUPPORTED');
});

test('the token is created once, kept 0600, and compared in constant time', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-token-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const a = await loadOrCreateToken(dir);
  const b = await loadOrCreateToken(dir);
  assert.equal(a, b);
  assert.ok(a.length >= 43);
  if (process.platform !== 'win32') assert.equal((await stat(join(dir, 'headless-token'))).mode & 0o777, 0o600);
  assert.ok(tokensEqual(a, a));
  assert.ok(!tokensEqual(a, a.slice(1)));
  assert.ok(!tokensEqual(a, undefined));
  assert.ok(!tokensEqual(a, ''));
});

test('static paths never leave the root', () => {
  assert.equal(resolveStatic('/srv/r', '/'), '/srv/r/index.html');
  assert.equal(resolveStatic('/srv/r', '/assets/a.js'), '/srv/r/assets/a.js');
  for (const p of ['/../x', '/%2e%2e/x', '/a/../../x', '/.env', '/%E0%A4%A', '/a\\..\\x']) assert.equal(resolveStatic('/srv/r', p), undefined, p);
});
