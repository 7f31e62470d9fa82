import { readFile } from 'node:fs/promises';
import { parseTorrent } from '../main/engine/metainfo/parse-torrent.ts';
import { FsStore } from '../main/engine/storage/fs-store.ts';
import { PieceMap } from '../main/engine/storage/piece-map.ts';
import { HashPool } from '../main/engine/hashing/hash-pool.ts';
import { checkPieces } from '../main/engine/torrent-check.ts';
import { verifyData } from '../main/engine/storage/verify.ts';
const meta = parseTorrent(await readFile(process.argv[2]!));
const pool = new HashPool({ threads: 2 });
console.log("start"); await pool.ready(); console.log("ready");
for (let r = 0; r < 3; r++) {
  const map = new PieceMap(meta.files as never, meta.pieceLength, meta.totalLength);
  const store = new FsStore('/tmp', meta.files as never, map);
  const all = Array.from({ length: meta.pieceCount }, (_, i) => i);
  const c0 = process.cpuUsage(); let t0 = performance.now();
  const { good } = await checkPieces(store, pool, meta.pieces, map, meta.files.map((f) => f.length), all, () => false);
  const c = process.cpuUsage(c0);
  console.log(`engine check: ${((performance.now() - t0) / 1000).toFixed(2)} s, good ${good.length}/${meta.pieceCount}, main-thread cpu user ${(c.user / 1e6).toFixed(2)} sys ${(c.system / 1e6).toFixed(2)} (process-wide)`);
  t0 = performance.now();
  const rep = await verifyData(meta, '/tmp', { pool } as never);
  console.log(`verifyData: ${((performance.now() - t0) / 1000).toFixed(2)} s ok ${rep.ok}`);
}
await pool.close();
