// The hash worker's code as a plain-JS string, run with `new Worker(src, { eval: true })`: no
// separate file to locate, so it works the same under tsx and inside an esbuild bundle.
// Jobs: { id, op, data, pieceLength? }. `data` is a Uint8Array (SharedArrayBuffer-backed views
// are hashed in place, with no copy). Ops:
//   sha1 | sha256       one digest of the whole buffer
//   sha1-pieces         SHA-1 of each pieceLength slice, concatenated (batching: one message per chunk)
//   sha256-blocks       SHA-256 of each 16 KiB block, concatenated (BEP 52 merkle leaves)
export const WORKER_SOURCE = String.raw`
'use strict';
// Dynamic import works whether the eval'd code runs as CommonJS or as a module (a parent started
// with --input-type=module makes eval workers ES modules, where require does not exist).
(async () => {
const { parentPort } = await import('node:worker_threads');
const { createHash } = await import('node:crypto');
function each(data, size, algo, outLen) {
  const n = Math.ceil(data.length / size);
  const out = new Uint8Array(n * outLen);
  for (let i = 0; i < n; i++) {
    const h = createHash(algo).update(data.subarray(i * size, Math.min(data.length, (i + 1) * size))).digest();
    out.set(h, i * outLen);
  }
  return out;
}
parentPort.on('message', (job) => {
  try {
    let result;
    const d = job.data;
    switch (job.op) {
      case 'sha1': result = new Uint8Array(createHash('sha1').update(d).digest()); break;
      case 'sha256': result = new Uint8Array(createHash('sha256').update(d).digest()); break;
      case 'sha1-pieces': result = each(d, job.pieceLength, 'sha1', 20); break;
      case 'sha256-blocks': result = each(d, 16384, 'sha256', 32); break;
      default: throw new Error('unknown op ' + job.op);
    }
    parentPort.postMessage({ id: job.id, result }, [result.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: job.id, error: String(e && e.message || e) });
  }
});
})();
`;
