// npm run bench:writes [-- --size MiB --rounds N]
// Why FsStore writes a piece in 128 KiB calls (storage/fs-store.ts WRITE_CHUNK): writes 1 GiB
// into a fresh file through the page cache in calls of several sizes, alternating, and prints the
// system CPU time each size cost. On Linux 6.x, ext4 allocates page-cache folios as large as a
// write allows; large ones need contiguous free memory, which costs when memory is fragmented.
import { closeSync, ftruncateSync, openSync, rmSync, writeSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`bad --${name}`);
  return v;
};
const SIZE = opt('size', 1024) * 2 ** 20;
const ROUNDS = opt('rounds', 3);
const PIECE = 2 ** 20;
const PAUSE_MS = 1000;
const CHUNKS = [PIECE, 256 * 1024, 128 * 1024, 64 * 1024, 32 * 1024];
const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-writes-'));
const file = join(dir, 'out.bin');
const piece = Buffer.allocUnsafeSlow(PIECE).fill(7);
// Pieces arrive in rarest-first order, not in file order: write them shuffled, as the engine does.
const order = Array.from({ length: SIZE / PIECE }, (_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [order[i], order[j]] = [order[j] as number, order[i] as number];
}

function run(chunk: number): { seconds: number; sys: number } {
  rmSync(file, { force: true });
  // A download does not start the instant the last one's files are deleted: without a pause the
  // freed large folios are simply reused and every size looks alike.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_MS);
  const r0 = process.resourceUsage();
  const t0 = performance.now();
  const fd = openSync(file, 'w');
  ftruncateSync(fd, SIZE); // sparse, full length at once, as FsStore creates files
  for (const k of order) for (let o = 0; o < PIECE; o += chunk) writeSync(fd, piece, o, chunk, k * PIECE + o);
  closeSync(fd);
  const r1 = process.resourceUsage();
  return { seconds: (performance.now() - t0) / 1000, sys: (r1.systemCPUTime - r0.systemCPUTime) / 1e6 };
}

const results = new Map<number, Array<{ seconds: number; sys: number }>>(CHUNKS.map((c) => [c, []]));
try {
  console.log(`${SIZE / 2 ** 20} MiB into a fresh sparse file, 1 MiB pieces in random order, ${ROUNDS} rounds (alternating)`);
  for (let r = 0; r < ROUNDS; r++) for (const c of r % 2 ? [...CHUNKS].reverse() : CHUNKS) results.get(c)?.push(run(c));
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  for (const [c, rs] of results) {
    console.log(`  ${String(c / 1024).padStart(5)} KiB per write: ${median(rs.map((x) => x.seconds)).toFixed(2)} s, system CPU ${median(rs.map((x) => x.sys)).toFixed(2)} s (runs ${rs.map((x) => x.sys.toFixed(2)).join(' / ')})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
