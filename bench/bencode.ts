// npx tsx bench/bencode.ts — speed of Tessera's bencode decoding where it matters: parsing large
// .torrent files (a v1 file list and a v2 file tree of many files) and decoding the small
// bencoded peer/tracker messages (extension handshake, ut_metadata, ut_pex, announce replies),
// plus the raw decoder and encoder on the large file list. The parser lines call only public
// parsers, so they time whatever decoder is behind them. Inputs are
// built with the `bencode` npm package (independent of the code under test). Figures are the best
// of several runs of wall time on a shared machine: noisy, compare within one run of the machine.
import { loadavg } from 'node:os';
import bencode from 'bencode';
import { parseTorrent } from '../main/engine/metainfo/parse-torrent.ts';
import { decodeExtensionHandshake } from '../main/engine/wire/extension-handshake.ts';
import { decodeMetadataMessage } from '../main/engine/extensions/ut-metadata.ts';
import { decodePex } from '../main/engine/extensions/ut-pex.ts';
import { parseAnnounceReply } from '../main/engine/discovery/tracker-codec.ts';
import { bdecodeSpans } from '../main/engine/bencode/decode.ts';
import { bencode as encode } from '../main/engine/bencode/encode.ts';

const FILES = Number(process.env.BENCH_FILES ?? 100_000);
const PIECE = 16 * 1024;
const enc = (v: unknown): Uint8Array => new Uint8Array(bencode.encode(v as never));
const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

function v1Torrent(files: number): Uint8Array {
  const list = [];
  for (let i = 0; i < files; i++) list.push({ length: 1000 + (i % 7), path: [`dir-${i % 50}`, `sub-${i % 13}`, `file-${i}.bin`] });
  const total = list.reduce((n, f) => n + f.length, 0);
  const info = { files: list, name: 'many-files', 'piece length': PIECE, pieces: bytes(20 * Math.ceil(total / PIECE), 7) };
  return enc({ announce: 'http://127.0.0.1:1/announce', 'created by': 'bench', info });
}

function v2Torrent(files: number): Uint8Array {
  // Files no longer than a piece need no 'piece layers' entry (BEP 52).
  const tree: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < files; i++) {
    const dir = (tree[`dir-${i % 50}`] ??= {});
    dir[`file-${i}.bin`] = { '': { length: 1000 + (i % 7), 'pieces root': bytes(32, i & 0xff) } };
  }
  return enc({ announce: 'http://127.0.0.1:1/announce', info: { 'file tree': tree, 'meta version': 2, name: 'many-files-v2', 'piece length': PIECE } });
}

const handshake = enc({
  m: { lt_donthave: 7, share_mode: 8, upload_only: 3, ut_holepunch: 4, ut_metadata: 2, ut_pex: 1 },
  metadata_size: 48_213, p: 51_413, reqq: 500, v: 'libtorrent/2.0.8', yourip: bytes(4, 127), complete_ago: -1,
});
const metadataData = (() => {
  const head = enc({ msg_type: 1, piece: 2, total_size: 48_213 });
  const out = new Uint8Array(head.length + 16 * 1024);
  out.set(head, 0);
  return out;
})();
const pex = enc({ added: bytes(6 * 50, 9), 'added.f': bytes(50, 2), added6: bytes(18 * 10, 1), 'added6.f': bytes(10, 0), dropped: bytes(6 * 20, 3) });
const announce = enc({
  complete: 120, incomplete: 33, interval: 1800, 'min interval': 60,
  peers: Array.from({ length: 200 }, (_, i) => ({ ip: `10.0.${i >> 8}.${i & 255}`, 'peer id': bytes(20, i), port: 6881 + i })),
});

function best(label: string, size: number, n: number, fn: () => unknown, runs = 5): void {
  for (let i = 0; i < Math.min(n, 3); i++) fn(); // warm-up
  let bestMs = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    bestMs = Math.min(bestMs, performance.now() - t0);
  }
  const per = bestMs / n;
  const rate = per < 1 ? `${Math.round(1000 / per).toLocaleString('en')} /s` : `${per.toFixed(1)} ms each`;
  console.log(`  ${label.padEnd(44)} ${(size / 1024).toFixed(1).padStart(9)} KiB  ${rate.padStart(14)}  ${(size / 1e6 / (per / 1000)).toFixed(0).padStart(5)} MB/s`);
}

const v1 = v1Torrent(FILES);
const v2 = v2Torrent(Math.round(FILES / 5));
console.log(`bencode decoding, best of 5 (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
best('extension handshake (libtorrent-like)', handshake.length, 100_000, () => decodeExtensionHandshake(handshake));
best('ut_metadata data message (16 KiB piece)', metadataData.length, 100_000, () => decodeMetadataMessage(metadataData));
best('ut_pex message (50 + 10 added)', pex.length, 100_000, () => decodePex(pex));
best('announce reply, 200 dictionary peers', announce.length, 2_000, () => parseAnnounceReply(announce));
best(`parseTorrent v1, ${FILES} files`, v1.length, 3, () => parseTorrent(v1));
best(`bdecodeSpans only, ${FILES} files`, v1.length, 3, () => bdecodeSpans(v1));
{
  // Messages first, and no large decoded value kept alive past its line: a big live heap slows
  // every later allocation-heavy line through GC.
  const tree = bdecodeSpans(v1).value;
  best(`bencode (encoder) of it again`, v1.length, 3, () => encode(tree));
}
best(`parseTorrent v2, ${Math.round(FILES / 5)} files`, v2.length, 3, () => parseTorrent(v2));
