// Throughput of the wire decoder on the download hot path: piece messages (16 KiB blocks) fed in
// 64 KiB socket-sized chunks, so frames straddle chunk boundaries as they do on a real socket.
// Run: npx tsx main/engine/wire/decoder.bench.ts   (figures are noisy on a shared machine)
import { WireDecoder } from './decoder.ts';
import { encodePiece, encodeMessage } from './messages.ts';

const TOTAL = 256 * 1024 * 1024;
const BLOCK = 16 * 1024;
const CHUNK = 64 * 1024;

function stream(): Uint8Array[] {
  const block = new Uint8Array(BLOCK).fill(0xab);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < TOTAL / BLOCK; i++) {
    const [h, b] = encodePiece(i >> 4, (i & 15) * BLOCK, block);
    frames.push(h, b);
    if (i % 64 === 0) frames.push(encodeMessage({ type: 'have', index: i }));
  }
  const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let o = 0;
  for (const f of frames) { all.set(f, o); o += f.length; }
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += CHUNK) chunks.push(all.slice(i, i + CHUNK));
  return chunks;
}

function run(chunks: Uint8Array[]): { ms: number; pieces: number; views: number } {
  const d = new WireDecoder({ pieceCount: 1 << 16 });
  let pieces = 0;
  let views = 0;
  const t0 = performance.now();
  for (const c of chunks) {
    for (const m of d.push(c)) {
      if (m.type === 'piece') {
        pieces++;
        if (m.block.buffer === c.buffer) views++;
      }
    }
  }
  return { ms: performance.now() - t0, pieces, views };
}

const chunks = stream();
run(chunks); // warm-up
const results = [run(chunks), run(chunks), run(chunks)];
const best = results.reduce((a, b) => (a.ms < b.ms ? a : b));
const mbps = TOTAL / 1e6 / (best.ms / 1000);
console.log(`wire decoder: ${TOTAL / 1048576} MiB of 16 KiB piece messages in ${CHUNK / 1024} KiB chunks`);
console.log(`  best of 3: ${best.ms.toFixed(1)} ms = ${mbps.toFixed(0)} MB/s, ${best.pieces} pieces, ${((100 * best.views) / best.pieces).toFixed(1)}% zero-copy views`);
