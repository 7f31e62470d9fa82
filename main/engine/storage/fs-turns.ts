// Blocking file-system calls in long loops (listing a folder for create, checking every file of a
// torrent for verify): a promise-based call's round trip through libuv's thread pool costs 20-80 us
// here, far more than the call itself, so thousands of files took seconds one after another. These
// loops call the blocking versions and let the event loop turn every so often, so a thread that
// also serves peers (the engine) stays responsive on a huge tree.

/** Returns a function to await after each blocking call: every `n`th call yields one turn of the event loop. */
export function turnEvery(n: number): () => Promise<void> | undefined {
  let calls = 0;
  return () => (++calls % n === 0 ? new Promise<void>((go) => setImmediate(go)) : undefined);
}
