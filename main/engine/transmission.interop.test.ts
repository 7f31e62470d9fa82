// Tessera seeds a multi-file torrent to transmission-cli 3.00 on loopback. Transmission never
// dials 127.x peers it hears of, so Tessera dials it (addPeer to its listen port). Every file is
// compared byte for byte, and the seed's peer table named the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from '../test-support/reference-tools.ts';
import { diffFiles, makePayload, makeTorrent, waitUntil } from '../test-support/engine-fixtures.ts';
import { Session } from './session.ts';

const FILES = [
  { path: 'a.bin', size: 3 * 1024 * 1024 + 777 },
  { path: 'sub/b.bin', size: 1024 * 1024 },
  { path: 'sub/c.bin', size: 99 },
];

/** A port in 20000–60000 that is free right now (Transmission needs a fixed one). */
async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port found in 20 tries');
}

test('transmission-cli downloads a multi-file torrent from a Tessera seed', { timeout: 120_000 }, async (t) => {
  if (!requireTools(t, 'transmission-cli', 'mktorrent')) return;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-tr-'));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const torrent = join(dir, 'x.torrent');
  // A tracker nobody listens on: Transmission wants one, and must learn nothing from it.
  const bytes = await makeTorrent(src, torrent, { log2Piece: 16, trackers: ['http://127.0.0.1:9/announce'] });
  const config = join(dir, 'tr-config');
  await mkdir(config);
  await writeFile(join(config, 'settings.json'), JSON.stringify({
    'dht-enabled': false, 'lpd-enabled': false, 'utp-enabled': false, 'pex-enabled': false,
    'port-forwarding-enabled': false, 'bind-address-ipv4': '127.0.0.1', 'bind-address-ipv6': '::1',
    'blocklist-enabled': false, encryption: 0, 'rename-partial-files': false,
  }));
  // Default encryption policy ('prefer'): Transmission is set to prefer plaintext, so this also
  // covers MSE negotiating down to plaintext (the handshake-order stall fixed in a8bc769).
  const session = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0 } });
  let tr: ChildProcess | undefined;
  let out = '';
  try {
    const s = await session.addTorrent(bytes, { savePath: join(dir, 'seed') });
    await waitUntil(() => session.summaries()[0]?.status === 'seeding', 20_000, 'the seed to check its data');
    let port = 0;
    for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
      const p = await freePort();
      out = '';
      tr = spawn('transmission-cli', ['-g', config, '-w', join(dir, 'out'), '-p', String(p), '-M', torrent], { stdio: ['ignore', 'pipe', 'pipe'] });
      tr.stdout?.on('data', (d: Buffer) => { if (out.length < 50_000) out += d.toString(); });
      tr.stderr?.on('data', (d: Buffer) => { if (out.length < 50_000) out += d.toString(); });
      // No probe connection: Transmission keeps one record per IP, and a probe that hangs up
      // would count against the real peer. Its first progress line means the torrent is running.
      await waitUntil(() => out.includes('Progress:') || tr?.exitCode !== null, 15_000, 'transmission to start', 100);
      if (/bind|Address already in use/i.test(out) || tr.exitCode !== null) tr.kill('SIGKILL'); // lost the port: try another
      else port = p;
    }
    assert.ok(port > 0, `transmission never listened: ${out.slice(-2000)}`);
    session.addPeer(s.id, '127.0.0.1', port);
    await waitUntil(async () => (await diffFiles(src, join(dir, 'out', 'payload'), FILES.map((f) => f.path)).catch(() => ['x'])).length === 0,
      90_000, `transmission to finish (its output: ${out.slice(-300)})`, 250);
    assert.deepEqual(await diffFiles(src, join(dir, 'out', 'payload'), FILES.map((f) => f.path)), []);
    const total = FILES.reduce((a, f) => a + f.size, 0);
    assert.ok((session.summaries()[0]?.uploaded ?? 0) >= total, 'the seed counted what it uploaded');
    assert.match(session.detail(s.id)?.peers[0]?.client ?? 'gone', /Transmission|gone/, 'the client is named from its handshake');
  } finally {
    tr?.kill('SIGKILL');
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
});
