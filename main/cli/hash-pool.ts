// The hash pool of a `tessera create` or `verify` process: one worker per core but one, plus the
// main thread as a lane (the CLI's event loop has nothing else to do); with the addon, v1 jobs
// run on one addon thread per core instead and need no worker. index.ts starts the workers
// of a v2 or hybrid create before it loads the rest of the CLI, so they boot while modules load.
import { availableParallelism } from 'node:os';
import { HashPool } from '../engine/hashing/hash-pool.ts';

let pool: HashPool | null = null;

export function cliHashPool(): HashPool {
  const cores = availableParallelism();
  pool ??= new HashPool({ threads: Math.max(1, cores - 1), mainThread: true, nativeThreads: cores });
  return pool;
}
