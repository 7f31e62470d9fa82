// v2 (BEP 52) and hybrid magnets against python3-libtorrent 2.0.8 on loopback, no tracker or DHT
// (peers given with x.pe= or dialled directly). A magnet's metadata has no piece layers, so:
//  - Tessera ← libtorrent seed, from a btmh magnet: Tessera asks libtorrent for the piece layers
//    (hash request / hashes), checks the proofs, then downloads; after a restart it seeds them to a
//    libtorrent leecher that itself started from a btmh magnet (our hash replies, from the layers
//    persisted in the state folder).
//  - libtorrent ← Tessera seed started from the .torrent: libtorrent needs our hash replies.
// Hybrid: Tessera's connections use the v1 hash, pieces are checked by SHA-1 and the layers are
// rebuilt from the data — libtorrent leeching by btmh then gets hashes from those.
// A 16 KiB piece and an 8 MiB file give a piece layer of more than 512 hashes (two requests with
// uncle hashes); small files cover the one-piece (no layer) and short-tail cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYTHON, requireTools } from '../test-support/reference-tools.ts';
import { LtPeer } from '../test-support/lt-peer.ts';
import { ltCreateTorrent } from '../test-support/lt-create.ts';
import { diffFiles, makePayload, waitUntil } from '../test-support/engine-fixtures.ts';
import { parseTorrent } from './metainfo/parse-torrent.ts';
import { toHex } from './metainfo/hex.ts';
import { Session } from './session.ts';

const FILES = [
  { path: 'a.bin', size: 8 * 1024 * 1024 + 100_000 },
  { path: 'sub/b.bin', size: 100 },
  { path: 'sub/c.bin', size: 40_000 },
  { path: 'd.bin', size: 700_001 },
];

/** libtorrent leeching from a magnet, dialling Tessera itself; prints 'done' when it seeds. */
const LEECH = `
import sys, time, libtorrent as lt
uri, save, port, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = lt.session({
  "listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False, "enable_upnp": False,
  "enable_natpmp": False, "allow_multiple_connections_per_ip": True,
  "enable_incoming_utp": False, "enable_outgoing_utp": False, "out_enc_policy": 2, "in_enc_policy": 2,
  "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.peer_notification,
})
p = lt.parse_magnet_uri(uri)
p.save_path = save
h = s.add_torrent(p)
deadline = time.time() + timeout
last = 0
while time.time() < deadline:
  st = h.status()
  for a in s.pop_alerts():
    sys.stderr.write(a.message() + "\\n")
  if st.is_seeding:
    print("done", flush=True)
    sys.exit(0)
  if st.num_peers == 0 and time.time() - last > 1:
    h.connect_peer(("127.0.0.1", port))
    last = time.time()
  time.sleep(0.1)
print("timeout progress=%f" % h.status().progress, flush=True)
sys.exit(1)
`;

interface Setup { dir: string; src: string; torrent: string; bytes: Uint8Array; v1?: string; v2: string }

async function setup(kind: 'v2' | 'hybrid'): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), `tessera-${kind}-magnet-`));
  const src = join(dir, 'seed', 'payload');
  await makePayload(src, FILES);
  const torrent = join(dir, 'x.torrent');
  const bytes = await ltCreateTorrent(src, torrent, kind, 16384);
  const meta = parseTorrent(bytes);
  assert.equal(meta.version, kind);
  assert.ok((meta.pieceLayers?.size ?? 0) >= 2, 'libtorrent wrote piece layers');
  return { dir, src, torrent, bytes, v2: toHex(meta.infoHashV2 as Uint8Array), ...(meta.infoHashV1 !== undefined ? { v1: toHex(meta.infoHashV1) } : {}) };
}

function magnetOf(s: Setup, extra = ''): string {
  return `magnet:?${s.v1 !== undefined ? `xt=urn:btih:${s.v1}&` : ''}xt=urn:btmh:1220${s.v2}&dn=payload${extra}`;
}

function openSession(dir: string, name: string): Promise<Session> {
  return Session.open({ stateDir: join(dir, `state-${name}`), listenHost: '127.0.0.1', settings: { listenPort: 0, downloadDir: join(dir, `dl-${name}`) } });
}

/** Run libtorrent leeching `uri` from 127.0.0.1:port into dir/lt-out; resolves with its exit status and log. */
function ltLeech(uri: string, dir: string, port: number, timeoutSec: number): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(PYTHON, ['-c', LEECH, uri, join(dir, 'lt-out'), String(port), String(timeoutSec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { if (err.length < 20_000) err += d.toString(); });
  const kill = setTimeout(() => child.kill('SIGKILL'), (timeoutSec + 10) * 1000);
  return new Promise((resolve) => child.once('exit', (code) => { clearTimeout(kill); resolve({ code, out, err }); }));
}

const paths = FILES.map((f) => f.path);

for (const kind of ['v2', 'hybrid'] as const) {
  test(`${kind} magnet: Tessera downloads from a libtorrent seed, restarts, then seeds it to a libtorrent magnet leecher`, { timeout: 150_000 }, async (t) => {
    if (!requireTools(t, 'libtorrent')) return;
    const s = await setup(kind);
    const lt = new LtPeer({ mode: 'seed', torrent: s.torrent, save: join(s.dir, 'seed'), timeoutSec: 80 });
    let session = await openSession(s.dir, 'a');
    try {
      const port = await lt.port();
      const id = kind === 'v2' ? s.v2.slice(0, 40) : (s.v1 as string);
      const added = await session.addMagnet(magnetOf(s, `&x.pe=127.0.0.1:${port}`));
      assert.equal(added.id, id);
      assert.equal(added.status, 'metadata');
      await waitUntil(() => { const x = session.summaries().find((y) => y.id === id); return x?.status === 'seeding' || x?.status === 'completed'; },
        70_000, `the ${kind} magnet download`);
      assert.deepEqual(await diffFiles(s.src, join(s.dir, 'dl-a', 'payload'), paths), []);
      assert.equal(session.summaries().length, 1);
      await lt.close();
      await session.close();
      // The learned layers were persisted and hash to the pieces roots libtorrent wrote.
      const saved = JSON.parse(await readFile(join(s.dir, 'state-a', `${id}.layers`), 'utf8')) as Record<string, string>;
      const want = parseTorrent(s.bytes).pieceLayers as Map<string, Uint8Array>;
      assert.deepEqual(Object.keys(saved).sort(), [...want.keys()].sort());
      for (const [hex, layer] of want) assert.equal(saved[hex], Buffer.from(layer).toString('base64'));

      session = await openSession(s.dir, 'a');
      await waitUntil(() => session.summaries().find((y) => y.id === id)?.status === 'seeding', 30_000, 'the restored torrent to seed').catch((e: unknown) => { throw new Error(`${String(e)}: ${JSON.stringify(session.summaries().map((x) => [x.id, x.status, x.progress, x.error]))}`); });
      const r = await ltLeech(magnetOf(s), s.dir, session.port, 60);
      assert.equal(r.code, 0, `libtorrent magnet leech: ${r.out}\n${r.err.slice(-3000)}`);
      assert.deepEqual(await diffFiles(s.src, join(s.dir, 'lt-out', 'payload'), paths), []);
    } finally {
      await session.close();
      await lt.close();
      await rm(s.dir, { recursive: true, force: true });
    }
  });

  test(`${kind}: libtorrent downloads from a btmh magnet off a Tessera seed started from the .torrent`, { timeout: 90_000 }, async (t) => {
    if (!requireTools(t, 'libtorrent')) return;
    const s = await setup(kind);
    const session = await Session.open({ stateDir: join(s.dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0, downloadDir: join(s.dir, 'seed') } });
    try {
      const added = await session.addTorrent(s.bytes);
      await waitUntil(() => session.summaries().find((y) => y.id === added.id)?.status === 'seeding', 30_000, 'the Tessera seed to check its data');
      // btmh only: libtorrent connects with the v2 hash and must ask us for the piece layers.
      const r = await ltLeech(`magnet:?xt=urn:btmh:1220${s.v2}&dn=payload`, s.dir, session.port, 60);
      assert.equal(r.code, 0, `libtorrent magnet leech: ${r.out}\n${r.err.slice(-3000)}`);
      assert.deepEqual(await diffFiles(s.src, join(s.dir, 'lt-out', 'payload'), paths), []);
      assert.equal((await stat(join(s.dir, 'lt-out', 'payload', 'a.bin'))).size, FILES[0]?.size);
    } finally {
      await session.close();
      await rm(s.dir, { recursive: true, force: true });
    }
  });
}
