// Interop with libtorrent 2.0.8 (Debian's python3-libtorrent) and mktorrent: torrents we create
// load in libtorrent with the same info-hashes (and libtorrent's own create_torrent produces the
// same info dictionaries), torrents they create parse here with the hashes libtorrent reports,
// and our verify agrees piece-for-piece with libtorrent's full recheck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, readFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireTools, PYTHON } from '../../test-support/reference-tools.ts';
import { createTorrent } from './create-torrent.ts';
import { parseTorrent } from './parse-torrent.ts';
import { toHex } from './hex.ts';
import { verifyData } from '../storage/verify.ts';

const PY = String.raw`
import sys, json, os, time
import libtorrent as lt
cmd = json.loads(sys.argv[1])
def hashes(ti):
    ih = ti.info_hashes()
    return {"v1": str(ih.v1) if ih.has_v1() else None, "v2": str(ih.v2) if ih.has_v2() else None,
            "files": [[ti.files().file_path(i), ti.files().file_size(i), bool(ti.files().file_flags(i) & lt.file_storage.flag_pad_file)] for i in range(ti.num_files())],
            "pieces": ti.num_pieces(), "piece_length": ti.piece_length()}
out = {}
if cmd["op"] == "load":
    out = [hashes(lt.torrent_info(p)) for p in cmd["paths"]]
elif cmd["op"] == "create":
    fs = lt.file_storage()
    if cmd.get("files"):
        # An explicit order: lt.add_files lists a v1 torrent in readdir order, which is not sorted.
        for rel, size in cmd["files"]:
            fs.add_file(rel, size)
    else:
        lt.add_files(fs, cmd["src"])
    flags = {"v1": lt.create_torrent.v1_only, "v1pad": lt.create_torrent.v1_only | lt.create_torrent.canonical_files, "v2": lt.create_torrent.v2_only, "hybrid": 0}[cmd["version"]]
    ct = lt.create_torrent(fs, cmd["piece_length"], flags)
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(cmd["src"])))
    data = lt.bencode(ct.generate())
    open(cmd["out"], "wb").write(data)
    out = hashes(lt.torrent_info(cmd["out"]))
elif cmd["op"] == "recheck":
    s = lt.session({"listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False, "enable_upnp": False,
                    "enable_natpmp": False, "alert_mask": lt.alert.category_t.status_notification | lt.alert.category_t.error_notification})
    p = lt.add_torrent_params()
    p.ti = lt.torrent_info(cmd["torrent"])
    p.save_path = cmd["save_path"]
    p.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    p.flags |= lt.torrent_flags.upload_mode
    h = s.add_torrent(p)
    deadline = time.time() + 60
    checked = False
    while time.time() < deadline and not checked:
        s.wait_for_alert(500)
        for a in s.pop_alerts():
            if isinstance(a, lt.torrent_checked_alert):
                checked = True
            elif isinstance(a, (lt.torrent_error_alert, lt.file_error_alert)):
                raise SystemExit("libtorrent error: " + a.message())
    if not checked:
        raise SystemExit("libtorrent did not finish checking within 60 s")
    st = h.status()
    out = {"state": str(st.state), "bad": [i for i, have in enumerate(st.pieces) if not have]}
print(json.dumps(out))
`;

function py<T>(cmd: object): T {
  const r = spawnSync(PYTHON, ['-c', PY, JSON.stringify(cmd)], { encoding: 'utf8', timeout: 90_000 });
  if (r.status !== 0) throw new Error(`libtorrent helper failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as T;
}

interface LtInfo { v1: string | null; v2: string | null; files: [string, number, boolean][]; pieces: number; piece_length: number }

async function fixture(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-lt-'));
  const src = path.join(dir, 'content');
  await mkdir(path.join(src, 'sub', 'deeper'), { recursive: true });
  const rnd = (n: number, seed: number): Uint8Array => { let x = seed; return new Uint8Array(n).map(() => (x = (x * 1103515245 + 12345) >>> 0) >>> 24); };
  await writeFile(path.join(src, 'alpha.bin'), rnd(150_000, 1));
  await writeFile(path.join(src, 'beta.bin'), rnd(65_536, 2));
  await writeFile(path.join(src, 'sub', 'gamma.txt'), 'gamma');
  await writeFile(path.join(src, 'sub', 'deeper', 'delta.bin'), rnd(40_000, 3));
  await writeFile(path.join(dir, 'single.bin'), rnd(200_000, 4));
  return dir;
}

const hexOr = (u: Uint8Array | undefined): string | null => (u ? toHex(u) : null);

test('torrents Tessera creates load in libtorrent with the same info-hashes, and match lt.create_torrent', async (t) => {
  if (!requireTools(t, 'libtorrent')) return;
  const dir = await fixture();
  try {
    for (const src of [path.join(dir, 'content'), path.join(dir, 'single.bin')]) {
      for (const version of ['v1', 'v2', 'hybrid'] as const) {
        for (const pl of [16384, 65536]) {
          const label = `${path.basename(src)} ${version} ${pl}`;
          const ours = await createTorrent(src, { version, pieceLength: pl, creationDate: null });
          const file = path.join(dir, `ours-${version}-${pl}.torrent`);
          await writeFile(file, ours.bytes);
          const [lt] = py<LtInfo[]>({ op: 'load', paths: [file] });
          assert.equal(lt!.v1, hexOr(ours.meta.infoHashV1), label);
          assert.equal(lt!.v2, hexOr(ours.meta.infoHashV2), label);
          assert.equal(lt!.pieces, ours.meta.pieceCount, label);
          const order = ours.meta.multiFile ? ours.meta.files.filter((f) => !f.padding).map((f) => [[path.basename(src), ...f.path].join('/'), f.length]) : null;
          const theirs = py<LtInfo>({ op: 'create', src, version, piece_length: pl, out: path.join(dir, `lt-${version}-${pl}.torrent`), files: order });
          assert.equal(theirs.v1, hexOr(ours.meta.infoHashV1), `${label}: same info dict as libtorrent`);
          assert.equal(theirs.v2, hexOr(ours.meta.infoHashV2), `${label}: same info dict as libtorrent`);
          const ltMeta = parseTorrent(await readFile(path.join(dir, `lt-${version}-${pl}.torrent`)));
          assert.deepEqual(ltMeta.pieceLayers, ours.meta.pieceLayers, `${label}: same piece layers`);
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('torrents libtorrent (v1, v1 with pad files, v2, hybrid) and mktorrent create parse with the hashes libtorrent reports', async (t) => {
  if (!requireTools(t, 'libtorrent', 'mktorrent')) return;
  const dir = await fixture();
  try {
    const files: string[] = [];
    for (const version of ['v1', 'v1pad', 'v2', 'hybrid']) {
      for (const src of [path.join(dir, 'content'), path.join(dir, 'single.bin')]) {
        const out = path.join(dir, `lt-${version}-${path.basename(src)}.torrent`);
        py({ op: 'create', src, version, piece_length: 32768, out });
        files.push(out);
      }
    }
    for (const [i, src] of [path.join(dir, 'content'), path.join(dir, 'single.bin')].entries()) {
      const out = path.join(dir, `mk-${i}.torrent`);
      const r = spawnSync('mktorrent', ['-l', '15', '-a', 'http://127.0.0.1:1/announce', '-o', out, src], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      files.push(out);
    }
    const lt = py<LtInfo[]>({ op: 'load', paths: files });
    let sawPad = false;
    for (const [i, f] of files.entries()) {
      const m = parseTorrent(await readFile(f));
      const want = lt[i]!;
      assert.equal(hexOr(m.infoHashV1), want.v1, f);
      assert.equal(hexOr(m.infoHashV2), want.v2, f);
      assert.equal(m.pieceCount, want.pieces, f);
      // Pad files are marked on both sides (libtorrent also lists implicit ones in v2-only torrents,
      // where the piece-aligned layout has gaps, not files).
      const theirFiles = m.version === 'v2' ? want.files.filter(([, , pad]) => !pad) : want.files;
      assert.deepEqual(m.files.map((x) => [x.length, x.padding]), theirFiles.map(([, size, pad]) => [size, pad]), f);
      assert.deepEqual(m.files.filter((x) => !x.padding).map((x) => (m.multiFile ? [m.name, ...x.path] : x.path).join('/')),
        theirFiles.filter(([, , pad]) => !pad).map(([p]) => p), f);
      if (m.files.some((x) => x.padding)) sawPad = true;
    }
    assert.ok(sawPad, 'some libtorrent torrents had BEP 47 pad files');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('verify agrees with libtorrent\'s recheck: intact passes, a flipped byte fails the right piece in the right file', async (t) => {
  if (!requireTools(t, 'libtorrent')) return;
  const dir = await fixture();
  try {
    for (const version of ['v1', 'v2', 'hybrid'] as const) {
      const { bytes, meta } = await createTorrent(path.join(dir, 'content'), { version, pieceLength: 16384, creationDate: null });
      const tfile = path.join(dir, `v-${version}.torrent`);
      await writeFile(tfile, bytes);
      const good = await verifyData(meta, dir);
      assert.equal(good.ok, true, version);
      assert.deepEqual(py<{ bad: number[] }>({ op: 'recheck', torrent: tfile, save_path: dir }).bad, [], `${version}: libtorrent agrees the data is intact`);

      const target = path.join(dir, 'content', 'sub', 'deeper', 'delta.bin');
      const fh = await open(target, 'r+');
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, 20_000);
      await fh.write(Buffer.from([b[0]! ^ 1]), 0, 1, 20_000);
      try {
        const r = await verifyData(meta, dir);
        const fi = meta.files.findIndex((f) => f.path.join('/') === 'sub/deeper/delta.bin');
        const expected = Math.floor((meta.files[fi]!.offset + 20_000) / 16384);
        assert.deepEqual(r.badPieces, [expected], version);
        assert.deepEqual(r.files.filter((f) => f.status !== 'ok').map((f) => [f.path.join('/'), f.badPieces]), [['sub/deeper/delta.bin', 1]], version);
        const lt = py<{ bad: number[] }>({ op: 'recheck', torrent: tfile, save_path: dir });
        assert.deepEqual(lt.bad, r.badPieces, `${version}: libtorrent finds the same bad piece`);
      } finally {
        await fh.write(b, 0, 1, 20_000);
        await fh.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
