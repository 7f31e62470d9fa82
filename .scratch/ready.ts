import { HashPool } from '../main/engine/hashing/hash-pool.ts';
const pool = new HashPool({ threads: 2 });
const t0 = performance.now();
await pool.ready();
console.log('ready', (performance.now() - t0).toFixed(0));
await pool.close();
