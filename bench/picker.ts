// Picker accounting cost: a simulated 1 GiB download (4096 × 256 KiB pieces, 65 536 blocks) from
// 200 peers (a few seeds, the rest with random halves; PEERS=1 is the single-seed loopback case), HAVE churn while it runs, and a UI
// snapshot (have + downloading bitfields, availability counts) 5 times per simulated second.
// Prints CPU time per block and per operation. Run: npx tsx bench/picker.ts
import { Bitfield } from '../main/engine/wire/bitfield.ts';
import { PiecePicker } from '../main/engine/pieces/picker.ts';
import { queueDepth } from '../main/engine/pieces/pipeline.ts';
import { Choker, type ChokerPeer } from '../main/engine/choker/choker.ts';

const PIECES = Number(process.env['PIECES'] ?? 4096);
const PIECE_LEN = 256 * 1024;
const PEERS = Number(process.env['PEERS'] ?? 200);
const SEEDS = Math.min(5, PEERS);

let seed = 12345;
const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);

function run(): void {
  const picker = new PiecePicker({ pieceLength: PIECE_LEN, totalLength: PIECE_LEN * PIECES, random });
  const peers: Array<Bitfield | 'all'> = [];
  const t0 = process.cpuUsage();
  for (let k = 0; k < PEERS; k++) {
    let has: Bitfield | 'all';
    if (k < SEEDS) has = 'all';
    else {
      has = new Bitfield(PIECES);
      for (let i = 0; i < PIECES; i++) if (random() < 0.5) has.set(i);
    }
    peers.push(has);
    picker.availability.addPeer(has);
  }
  const tJoin = process.cpuUsage(t0);

  const outstanding: Array<Array<{ piece: number; begin: number; length: number }>> = peers.map(() => []);
  let blocks = 0;
  let picks = 0;
  let haves = 0;
  let snapshots = 0;
  let snapshotBytes = 0;
  // Aggregate 140 MB/s (libtorrent's loopback figure) shared by the peers sets each pipeline's depth.
  const depth = queueDepth(140e6 / PEERS);
  const t1 = process.cpuUsage();
  for (let round = 0; picker.wantedLeft() > 0 && round < 1_000_000; round++) {
    for (let k = 0; k < PEERS; k++) {
      const has = peers[k] as Bitfield | 'all';
      const q = outstanding[k] as Array<{ piece: number; begin: number; length: number }>;
      // Deliver the oldest request, then refill the pipeline.
      const r = q.shift();
      if (r) {
        const res = picker.onBlock(r.piece, r.begin, r.length, k);
        for (const c of res.cancels) {
          const l = outstanding[c.peerKey] as typeof q;
          const i = l.findIndex((x) => x.piece === c.piece && x.begin === c.begin);
          if (i >= 0) l.splice(i, 1);
        }
        if (res.accepted) blocks++;
        if (res.pieceComplete) picker.onPieceVerified(r.piece);
      }
      if (q.length < depth) {
        picks++;
        for (const req of picker.pick(has, k, depth - q.length)) q.push(req);
      }
      // Churn: a non-seed peer gains a piece now and then.
      if (has !== 'all' && random() < 0.05) {
        if (picker.availability.have(has, Math.floor(random() * PIECES))) haves++;
      }
    }
    // 5 snapshots per simulated second at 140 MB/s ≈ one per 1709 blocks delivered.
    if (round % Math.max(1, Math.round(1709 / PEERS)) === 0) {
      const snap = [picker.haveBitfield().bytes, picker.downloadingBitfield().bytes, Uint32Array.from(picker.availability.counts)];
      snapshotBytes += snap.reduce((s, a) => s + a.byteLength, 0);
      snapshots++;
    }
  }
  const tDl = process.cpuUsage(t1);

  // Choker rounds over the same peers.
  const choker = new Choker({ random });
  const cps: ChokerPeer[] = peers.map((_, k) => ({ key: k, interested: random() < 0.7, downRate: random() * 1e7, upRate: random() * 1e7, isSeed: k < SEEDS, snubbed: false, connectedAt: 0 }));
  const t2 = process.cpuUsage();
  for (let i = 0; i < 1000; i++) choker.run(cps, 'leeching');
  const tCh = process.cpuUsage(t2);

  const ms = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
  console.log(`picker bench: ${PIECES} pieces × ${PIECE_LEN / 1024} KiB, ${PEERS} peers (${SEEDS} seeds), pipeline depth ${depth}`);
  console.log(`  join (bitfields → availability): ${ms(tJoin).toFixed(1)} ms CPU total`);
  console.log(`  download: ${blocks} blocks, ${picks} pick calls, ${haves} HAVEs, ${snapshots} snapshots (${snapshotBytes / snapshots} B each)`);
  console.log(`  download CPU ${ms(tDl).toFixed(0)} ms → ${((ms(tDl) * 1e6) / blocks).toFixed(0)} ns per block (pick + onBlock + HAVE churn + snapshots), ${(ms(tDl) / (blocks * 16384 / 2 ** 30)).toFixed(0)} ms per GiB`);
  console.log(`  choker: ${(ms(tCh) * 1000 / 1000).toFixed(0)} µs per round over ${PEERS} peers`);
}

run();
