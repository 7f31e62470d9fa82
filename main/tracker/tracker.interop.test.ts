// Real clients through Tessera's tracker on loopback. A python3-libtorrent seed and a leecher
// that know nothing but the tracker URL in the .torrent complete a download: aria2 over HTTP,
// transmission-cli over UDP and over HTTP. The scrape counts then match what the swarm went
// through, read over both HTTP and UDP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import bencode, { type Encodable } from 'bencode';
import { requireTools } from '../test-support/reference-tools.ts';
import { LtPeer } from '../test-support/lt-peer.ts';
import { diffFiles, makePayload, makeTorrent, waitUntil } from '../test-support/engine-fixtures.ts';
import { startTracker, type RunningTracker } from './index.ts';
import { UdpClient, escapeBytes, httpGet, udpConnectPacket, udpScrapePacket } from './testing.ts';

const SIZE = 3 << 20;


function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 40000);
}

function run(cmd: string, args: string[], timeoutMs: number): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { if (out.length < 50_000) out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { if (out.length < 50_000) out += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{ code: number | null; out: string }>((resolve) => child.once('exit', (code) => { clearTimeout(timer); resolve({ code, out }); }));
  return { child, done };
}

async function scrapeBoth(t: RunningTracker, infoHash: Buffer): Promise<{ http: number[]; udp: number[] }> {
  const r = await httpGet(`${(t.httpUrl ?? '').replace(/announce$/, 'scrape')}?info_hash=${escapeBytes(infoHash)}`);
  const m = /d8:completei(\d+)e10:downloadedi(\d+)e10:incompletei(\d+)ee/.exec(r.body.toString('latin1'));
  assert.ok(m, `scrape reply: ${r.body.toString('latin1')}`);
  const http = [Number(m[1]), Number(m[2]), Number(m[3])];
  const c = await UdpClient.open('127.0.0.1', Number(new URL(t.udpUrl ?? '').port));
  try {
    const conn = await c.send(udpConnectPacket(1));
    assert.ok(conn);
    const s = await c.send(udpScrapePacket(conn.subarray(8, 16), 2, [infoHash]));
    assert.ok(s && s.readUInt32BE(0) === 2);
    // UDP order is seeders, completed, leechers — the same as HTTP's complete, downloaded, incomplete.
    return { http, udp: [s.readUInt32BE(8), s.readUInt32BE(12), s.readUInt32BE(16)] };
  } finally {
    c.close();
  }
}

/** SHA-1 of the bencoded info dict (mktorrent writes canonical bencode, so a re-encode is exact). */
function infoHashOf(torrent: Uint8Array): Buffer {
  const meta = bencode.decode(torrent) as { info: Encodable };
  return createHash('sha1').update(bencode.encode(meta.info)).digest();
}

async function withSwarm(
  proto: 'http' | 'udp',
  httpServer: 'fast' | 'node',
  body: (ctx: { dir: string; torrent: string; hash: Buffer; tracker: RunningTracker; startSeed: () => Promise<void> }) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-trk-'));
  const tracker = await startTracker({ httpServer, http: { host: '127.0.0.1', port: 0 }, udp: { host: '127.0.0.1', port: 0 }, interval: 10, minInterval: 2 });
  let seed: LtPeer | undefined;
  try {
    await mkdir(join(dir, 'seed'));
    await makePayload(join(dir, 'seed'), [{ path: 'payload.bin', size: SIZE }]);
    const url = proto === 'http' ? tracker.httpUrl ?? '' : tracker.udpUrl ?? '';
    const torrent = join(dir, 'x.torrent');
    const hash = infoHashOf(await makeTorrent(join(dir, 'seed', 'payload.bin'), torrent, { log2Piece: 16, trackers: [url] }));
    const startSeed = async (): Promise<void> => {
      seed = new LtPeer({ mode: 'seed', torrent, save: join(dir, 'seed'), timeoutSec: 140 });
      await seed.port();
    };
    await body({ dir, torrent, hash, tracker, startSeed });
  } finally {
    await seed?.close();
    await tracker.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function counts(tracker: RunningTracker, hash: Buffer): { complete: number; incomplete: number; downloaded: number } {
  const row = tracker.tracker.scrape([hash.toString('latin1')])[0];
  assert.ok(row);
  return row;
}

// (aria2 speaks UDP trackers only through its DHT socket, and DHT stays off: HTTP only; both the
// standalone server and the node:http-mounted handler.)
for (const httpServer of ['fast', 'node'] as const) test(`aria2 leeches from a libtorrent seed found through Tessera's HTTP tracker (${httpServer} server)`, { timeout: 150_000 }, async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent', 'aria2c')) return;
  await withSwarm('http', httpServer, async ({ dir, torrent, hash, tracker, startSeed }) => {
    await startSeed();
    await waitUntil(() => counts(tracker, hash).complete === 1, 20_000, 'the seed to announce');
    let result: { code: number | null; out: string } = { code: null, out: '' };
    for (let attempt = 0; attempt < 2; attempt++) {
      const a = run('aria2c', [
        '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
        `--listen-port=${randomPort()}`, '--interface=127.0.0.1', '--disable-ipv6=true',
        '--bt-require-crypto=false', '--bt-min-crypto-level=plain', '--seed-time=0',
        '--console-log-level=warn', '--summary-interval=0', '--file-allocation=none',
        '-d', join(dir, 'out'), torrent,
      ], 100_000);
      result = await a.done;
      if (result.code === 0 || !/bind|in use/i.test(result.out)) break;
    }
    assert.equal(result.code, 0, `aria2c failed:\n${result.out.slice(-3000)}`);
    assert.deepEqual(await diffFiles(join(dir, 'seed'), join(dir, 'out'), ['payload.bin']), []);
    // aria2 stops with left=0 (no 'completed' event at --seed-time=0): one seed left, one download.
    await waitUntil(() => counts(tracker, hash).incomplete === 0, 10_000, 'aria2 to leave');
    const both = await scrapeBoth(tracker, hash);
    assert.deepEqual(both.http, [1, 1, 0], 'HTTP scrape: complete, downloaded, incomplete');
    assert.deepEqual(both.udp, both.http, 'UDP scrape matches HTTP scrape');
  });
});

for (const proto of ['udp', 'http'] as const) {
  test(`transmission-cli leeches from a libtorrent seed found through Tessera's ${proto.toUpperCase()} tracker`, { timeout: 150_000 }, async (t) => {
    if (!requireTools(t, 'libtorrent', 'mktorrent', 'transmission-cli')) return;
    await withSwarm(proto, 'fast', async ({ dir, torrent, hash, tracker, startSeed }) => {
      const config = join(dir, 'tr-config');
      await mkdir(config);
      await writeFile(join(config, 'settings.json'), JSON.stringify({
        'dht-enabled': false, 'lpd-enabled': false, 'utp-enabled': false, 'pex-enabled': false,
        'port-forwarding-enabled': false, 'bind-address-ipv4': '127.0.0.1', 'bind-address-ipv6': '::1',
        'blocklist-enabled': false, encryption: 0, 'rename-partial-files': true,
      }));
      const tr = run('transmission-cli', ['-g', config, '-w', join(dir, 'out'), '-p', String(randomPort()), '-M', torrent], 120_000);
      try {
        // Transmission never dials loopback peers it learns from a tracker, so it announces first
        // and the seed, learning of it from the tracker, dials it.
        await waitUntil(() => counts(tracker, hash).incomplete === 1, 30_000, 'transmission to announce');
        await startSeed();
        await waitUntil(async () => (await diffFiles(join(dir, 'seed'), join(dir, 'out'), ['payload.bin'])).length === 0, 90_000, 'transmission to finish');
        // Transmission announces 'completed' and stays as a seed: two seeds, one download.
        await waitUntil(() => counts(tracker, hash).complete === 2, 20_000, "transmission's completed announce");
        const both = await scrapeBoth(tracker, hash);
        assert.deepEqual(both.http, [2, 1, 0], 'HTTP scrape: complete, downloaded, incomplete');
        assert.deepEqual(both.udp, both.http, 'UDP scrape matches HTTP scrape');
      } finally {
        tr.child.kill('SIGKILL');
        await tr.done;
      }
    });
  });
}
