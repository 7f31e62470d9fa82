// A .torrent made by python3-libtorrent (create_torrent + set_piece_hashes) for interop tests that
// need libtorrent's own v2 / hybrid output: its file tree, piece layers and tail padding.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { PYTHON } from './reference-tools.ts';

const MAKE = `
import sys, libtorrent as lt
src, out, kind, piece = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
fs = lt.file_storage()
lt.add_files(fs, src)
flags = lt.create_torrent.v2_only if kind == "v2" else 0
ct = lt.create_torrent(fs, piece, flags)
lt.set_piece_hashes(ct, src.rsplit("/", 1)[0])
open(out, "wb").write(lt.bencode(ct.generate()))
`;

/** Writes libtorrent's torrent of `src` (a file or folder) to `out` and returns its bytes. */
export async function ltCreateTorrent(src: string, out: string, kind: 'v2' | 'hybrid', pieceLength: number): Promise<Uint8Array> {
  const r = spawnSync(PYTHON, ['-c', MAKE, src, out, kind, String(pieceLength)], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`libtorrent create_torrent failed (${r.status}): ${r.stderr}`);
  return new Uint8Array(await readFile(out));
}
