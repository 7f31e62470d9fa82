// The hash pool of a `tessera create` or `verify` process: one worker per core but one, plus the
// main thread as a lane (the CLI's event loop has nothing else to do). index.ts starts it before
// it loads the rest of the CLI, so the worker boots on the other core while modules load.
import { availableParallelism } from 'node:os';
import { HashPool } from '../engine/hashing/hash-pool.ts';

let pool: HashPool | null = null;

export function cliHashPool(): HashPool {
  pool ??= new HashPool({ threads: Math.max(1, availableParallelism() - 1), mainThread: true });
  return pool;
}
