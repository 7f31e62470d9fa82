import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { Events } from '../../shared/contract.ts';
import { runHeadless } from '../../main/headless/run.ts';
import { createWsTransport, socketUrlFromLocation, type SocketLike } from './ws-transport.ts';

const FAKE = { tsEntry: new URL('../../main/engine-host/test-support/fake-engine-worker.ts', import.meta.url).href };
const socket = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike;

function until<T>(get: () => T | undefined, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const poll = (): void => {
      const v = get();
      if (v !== undefined) resolve(v);
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

test('the socket URL carries the token from the page URL', () => {
  assert.equal(socketUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:9', search: '?token=a+b/c' }), 'ws://127.0.0.1:9/ws?token=a%20b%2Fc');
  assert.equal(socketUrlFromLocation({ protocol: 'https:', host: 'h', search: '' }), 'wss://h/ws?token=');
});

test('over a real headless server: commands, the replayed list, and detail as decoded binary frames', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-wst-'));
  await mkdir(join(dir, 'web'));
  await writeFile(join(dir, 'web', 'index.html'), 'x');
  const h = await runHeadless({ userDataDir: join(dir, 'ud'), port: 0, staticDir: join(dir, 'web'), workerData: FAKE });
  const api = createWsTransport({ url: `ws://127.0.0.1:${h.server.port}/ws?token=${h.token}`, socket });
  t.after(async () => { api.close(); await h.close(); await rm(dir, { recursive: true, force: true }); });

  const added = await api.invoke('torrent:add-file', { torrentBase64: Buffer.from('d1:xi2ee').toString('base64') });
  assert.ok(added.ok);
  const id = added.value.id;
  // Subscribing late still starts from the whole list.
  await new Promise((r) => setTimeout(r, 100));
  const lists: Array<Events['torrents:update']> = [];
  api.on('torrents:update', (u) => lists.push(u));
  const full = await until(() => lists.find((u) => u.full && u.changed.some((s) => s.id === id)));
  assert.equal(full.changed.length, 1);

  const details: Array<Events['torrent:detail']> = [];
  api.on('torrent:detail', (d) => details.push(d));
  assert.deepEqual(await api.invoke('torrent:select', { id }), { ok: true, value: null });
  const d = await until(() => details[0]);
  assert.equal(d.id, id);
  assert.ok(d.availability instanceof Uint16Array && d.have instanceof Uint8Array);

  const bad = await api.invoke('torrent:recheck', { id: 'nope' });
  assert.equal(!bad.ok && bad.error.code, 'BAD_ARGUMENT');
});

test('a wrong token stops the transport with a clear error instead of retrying forever', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-wst-'));
  const h = await runHeadless({ userDataDir: join(dir, 'ud'), port: 0, staticDir: dir, workerData: FAKE });
  const api = createWsTransport({ url: `ws://127.0.0.1:${h.server.port}/ws?token=wrong`, socket, minDelayMs: 10 });
  t.after(async () => { api.close(); await h.close(); await rm(dir, { recursive: true, force: true }); });
  const errors: Array<Events['engine:error']> = [];
  api.on('engine:error', (e) => errors.push(e));
  const r = await api.invoke('settings:get', null);
  assert.equal(!r.ok && r.error.code, 'UNAUTHORIZED');
  assert.match((await until(() => errors.find((e) => e.severity === 'error'))).message, /Not authorised/);
});

test('after a dropped connection it reconnects with backoff and re-sends the selection', async (t) => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  let connections = 0;
  const seen: string[] = [];
  wss.on('connection', (ws) => {
    connections++;
    const n = connections;
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { id: number; command: string; arg: unknown };
      seen.push(`${n}:${m.command}:${JSON.stringify(m.arg)}`);
      ws.send(JSON.stringify({ t: 'result', id: m.id, result: { ok: true, value: null } }));
      if (n === 1) ws.close(1011, 'gone');
    });
  });
  const api = createWsTransport({ url: `ws://127.0.0.1:${port}/ws?token=x`, socket, minDelayMs: 20, maxDelayMs: 100 });
  t.after(async () => { api.close(); await new Promise((r) => wss.close(r)); });
  const warnings: string[] = [];
  api.on('engine:error', (e) => warnings.push(e.message));
  const id = 'c'.repeat(40);
  assert.deepEqual(await api.invoke('torrent:select', { id }), { ok: true, value: null });
  await until(() => (connections >= 2 && seen.some((s) => s.startsWith('2:torrent:select')) ? true : undefined));
  assert.ok(seen.includes(`2:torrent:select:${JSON.stringify({ id })}`));
  await until(() => (warnings.some((w) => /Reconnected/.test(w)) ? true : undefined));
  assert.ok(warnings.some((w) => /Lost the connection/.test(w)));
});
