// The hash jobs' code as plain-JS strings. Workers run it with `new Worker(src, { eval: true })`:
// no separate file to locate, so it works the same under tsx and inside an esbuild bundle. The
// pool's optional main-thread lane (HashPool's `mainThread`) instantiates the same ops with
// `new Function`, so both lanes run one implementation.
// Jobs: { id, op, ... }. Ops:
//   sha1 | sha256       { data }: one digest of the whole buffer
//   sha1-pieces         { data, pieceLength }: SHA-1 of each slice, concatenated (one message per chunk)
//   sha256-blocks       { data }: SHA-256 of each 16 KiB block, concatenated (BEP 52 merkle leaves)
//   read-hash           { segs, pieceLength, sha1 }: the lane reads the chunk itself (pread into
//                       its own reusable buffer, so the bytes are hashed while still in cache and
//                       never cross threads), then hashes pieces and/or per-segment 16 KiB blocks.
//                       segs: [{ path|null, pos, len, avail, blocks, strict }]; null path = zeros.
// SharedArrayBuffer-backed `data` views are hashed in place, with no copy.
import type { Sha1x8 } from './native-sha1.ts';

/**
 * Defines `runOp(job) -> { result, transfer }` from the free variables `fs`, `createHash` and
 * `native` (the sha1x8 addon, or null: native-sha1.ts).
 */
const OPS_SOURCE = String.raw`
function each(data, size, algo, outLen) {
  // BEP 52 leaves: the addon's SHA-NI streams or AVX2 lanes (2.7x / 1.3x node:crypto per core here).
  if (algo === 'sha256' && native) return native.sha256Chunks(data, size);
  const n = Math.ceil(data.length / size);
  const out = new Uint8Array(n * outLen);
  for (let i = 0; i < n; i++) {
    const h = createHash(algo).update(data.subarray(i * size, Math.min(data.length, (i + 1) * size))).digest();
    out.set(h, i * outLen);
  }
  return out;
}
let buf = new Uint8Array(0);
// The read buffer starts on a page boundary. A large ArrayBuffer comes from malloc, 16 bytes past
// a page start, and on AMD Zen the kernel's copy out of the page cache (rep movsb) runs ~4x slower
// when the destination sits 1-31 bytes past the source's offset in its page: reading 1 GiB cost
// 0.45-0.6 s of system time instead of 0.11-0.14 s (bench/create.ts prints both). WebAssembly
// memory is page-aligned by construction; one per lane, reused, so its address-space reservation
// is paid once.
function pageAligned(size) {
  try {
    return new Uint8Array(new WebAssembly.Memory({ initial: Math.ceil(size / 65536) }).buffer, 0, size);
  } catch {
    return new Uint8Array(size); // no WebAssembly (--jitless): correct, only slower
  }
}
const fds = new Map(); // path -> fd for the job being read
function readInto(view, at, g, from, to) {
  // Reads segment bytes [from, to) of g into view at 'at'; past g.avail (or a null path) is zeros.
  const want = g.path === null ? 0 : Math.max(0, Math.min(to, g.avail) - from);
  let got = 0;
  if (want > 0) {
    let fd = fds.get(g.path);
    if (fd === undefined) { fd = fs.openSync(g.path, 'r'); fds.set(g.path, fd); }
    while (got < want) {
      const n = fs.readSync(fd, view, at + got, want - got, g.pos + from + got);
      if (n === 0) break;
      got += n;
    }
    if (got < want && g.strict) throw new Error(g.path + ': file shrank while being read');
  }
  if (got < to - from) view.fill(0, at + got, at + to - from);
}
// Reads bytes [a, b) of the job's chunk (its segments end to end) into view at 'at'.
function readSpan(view, at, job, starts, a, b) {
  for (let i = 0; i < job.segs.length && starts[i] < b; i++) {
    const g = job.segs[i];
    const from = Math.max(a, starts[i]) - starts[i];
    const to = Math.min(b, starts[i] + g.len) - starts[i];
    if (to > from) readInto(view, at + starts[i] + from - a, g, from, to);
  }
}
const x8state = new Uint8Array(160);
// SHA-1 per pieceLength slice of data in memory: the eight lanes read the pieces in place.
function sha1Pieces(d, pl) {
  const groups = native ? Math.floor(Math.floor(d.length / pl) / 8) : 0;
  if (groups === 0) return each(d, pl, 'sha1', 20);
  const out = new Uint8Array(Math.ceil(d.length / pl) * 20);
  for (let g = 0; g < groups; g++) {
    native.init(x8state);
    out.set(native.final(x8state, d.subarray(g * 8 * pl, (g + 1) * 8 * pl), pl, pl, pl), g * 160);
  }
  out.set(each(d.subarray(groups * 8 * pl), pl, 'sha1', 20), groups * 160);
  return out;
}
// v2 only (no SHA-1 pieces): each file's leaves, a slice at a time, hashed while the slice is in
// the core's L2 cache; gaps and pad files are not read at all (they have no leaves).
const LEAF_SLICE = 1048576;
function readLeaves(job) {
  if (buf.length < LEAF_SLICE) buf = pageAligned(LEAF_SLICE);
  return job.segs.map((g) => {
    if (!g.blocks) return null;
    const out = new Uint8Array(Math.ceil(g.len / 16384) * 32);
    for (let from = 0; from < g.len; from += LEAF_SLICE) {
      const to = Math.min(g.len, from + LEAF_SLICE);
      readInto(buf, 0, g, from, to);
      out.set(each(buf.subarray(0, to - from), 16384, 'sha256', 32), (from / 16384) * 32);
    }
    return out;
  });
}
// Without the addon, the chunk is read one piece at a time and each piece hashed right after its read,
// while its bytes are still in the core's L2 cache (a 256 KiB piece fits; a whole multi-MiB chunk
// would be hashed back from L3 or memory, which this shared machine makes measurably slower).
function readHash(job) {
  const total = job.segs.reduce((s, g) => s + g.len, 0);
  const starts = [];
  let acc = 0;
  for (const g of job.segs) { starts.push(acc); acc += g.len; }
  const out = { pieces: null, blocks: [] };
  try {
    if (!job.sha1) {
      out.blocks = readLeaves(job);
      return out;
    }
    if (buf.length < total) buf = pageAligned(total);
    if (native) {
      // With the addon (which reads files on threads of its own when a job fits it:
      // native-reader.ts; here, leaves off a 16 KiB boundary, or tests): the whole chunk, then
      // eight pieces per call, as sha1-pieces does.
      readSpan(buf, 0, job, starts, 0, total);
      out.pieces = sha1Pieces(buf.subarray(0, total), job.pieceLength);
    } else {
      const pl = job.pieceLength;
      out.pieces = new Uint8Array(Math.ceil(total / pl) * 20);
      for (let a = 0, k = 0; a < total; a += pl, k++) {
        const b = Math.min(total, a + pl);
        readSpan(buf, a, job, starts, a, b);
        out.pieces.set(createHash('sha1').update(buf.subarray(a, b)).digest(), k * 20);
      }
    }
  } finally {
    for (const fd of fds.values()) fs.closeSync(fd);
    fds.clear();
  }
  job.segs.forEach((g, i) => {
    out.blocks.push(g.blocks ? each(buf.subarray(starts[i], starts[i] + g.len), 16384, 'sha256', 32) : null);
  });
  return out;
}
function runOp(job) {
  const d = job.data;
  switch (job.op) {
    case 'sha1': return one(new Uint8Array(createHash('sha1').update(d).digest()));
    case 'sha256': return one(new Uint8Array(createHash('sha256').update(d).digest()));
    case 'sha1-pieces': return one(sha1Pieces(d, job.pieceLength));
    case 'sha256-blocks': return one(each(d, 16384, 'sha256', 32));
    case 'read-hash': {
      const r = readHash(job);
      return { result: r, transfer: [r.pieces, ...r.blocks].filter(Boolean).map((u) => u.buffer) };
    }
    default: throw new Error('unknown op ' + job.op);
  }
}
function one(u) { return { result: u, transfer: [u.buffer] }; }
`;

export const WORKER_SOURCE = String.raw`
'use strict';
// Dynamic import works whether the eval'd code runs as CommonJS or as a module (a parent started
// with --input-type=module makes eval workers ES modules, where require does not exist).
(async () => {
const { parentPort, workerData } = await import('node:worker_threads');
const { createHash } = await import('node:crypto');
const fs = await import('node:fs');
// The pool checked this addon in its own thread (loadSha1x8); each thread loads it for itself.
// Should that fail here after all, this lane hashes with createHash: slower, same digests.
let native = null;
if (workerData && workerData.sha1x8) {
  try {
    const mod = { exports: {} };
    process.dlopen(mod, workerData.sha1x8);
    if (mod.exports.available) native = mod.exports;
  } catch {
    native = null;
  }
}
${OPS_SOURCE}
parentPort.on('message', (job) => {
  try {
    const { result, transfer } = runOp(job);
    parentPort.postMessage({ id: job.id, result }, transfer);
  } catch (e) {
    parentPort.postMessage({ id: job.id, error: String(e && e.message || e) });
  }
});
})();
`;

export type RunOp = (job: Record<string, unknown>) => { result: unknown; transfer: ArrayBuffer[] };

/** The same ops for the calling thread (synchronous: they block it while they read and hash). */
export function mainThreadOps(fs: typeof import('node:fs'), createHash: typeof import('node:crypto').createHash, native: Sha1x8 | null): RunOp {
  return new Function('fs', 'createHash', 'native', `'use strict';\n${OPS_SOURCE}\nreturn runOp;`)(fs, createHash, native) as RunOp;
}
