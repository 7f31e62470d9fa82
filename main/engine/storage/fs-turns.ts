// Blocking file-system calls in long loops (listing a folder for create, checking every file of a
// torrent for verify): a promise-based call's round trip through libuv's thread pool costs 20-80 us
// here, far more than the call itself, so thousands of files took seconds one after another. These
// loops call the blocking versions and let the event loop turn every so often, so a thread that
// also serves peers (the engine) stays responsive on a huge tree — or on a slow network file
// system, where a few hundred blocking calls could take seconds: hence the time bound too.

/**
 * Returns a function to call after each blocking call: once `calls` calls or `ms` milliseconds have
 * passed since the last turn it returns a promise of one turn of the event loop, to await, and
 * undefined otherwise — await only a promise (`const due = turn(); if (due) await due;`): an await
 * per file is a microtask hop per file.
 */
export function turnEvery(calls: number, ms = 10): () => Promise<void> | undefined {
  let count = 0;
  let since = performance.now();
  return () => {
    if (++count < calls && performance.now() - since < ms) return undefined;
    count = 0;
    return new Promise<void>((go) => setImmediate(() => { since = performance.now(); go(); }));
  };
}
