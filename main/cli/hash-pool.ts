// The hash pool of a `tessera create` or `verify` process: one worker per core but one, plus the
// main thread as a lane (the CLI's event loop has nothing else to do); with the addon, the files
// are read and hashed on one addon thread per core instead and no worker starts. Without it,
// index.ts starts the worker before it loads the rest of the CLI, so it boots while modules load.
import { availableParallelism } from 'node:os';
import { HashPool } from '../engine/hashing/hash-pool.ts';

let pool: HashPool | null = null;

export function cliHashPool(): HashPool {
  const cores = availableParallelism();
  pool ??= new HashPool({ threads: Math.max(1, cores - 1), mainThread: true, nativeThreads: cores });
  return pool;
}
