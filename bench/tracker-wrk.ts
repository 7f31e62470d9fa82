// The HTTP load generator of bench/tracker.ts: wrk (Debian's `wrk`) driven by
// bench/tracker-announce.lua, which sends the same announces as bench/tracker-load.ts.
// Why wrk and not the Node generator: wrk is C on an epoll event loop and builds each request
// with one LuaJIT string concatenation, so its cost per request is a few microseconds. The Node
// generator spends about as much CPU per request as the fastest server it measures, so on a
// 2-core machine it capped every tracker near the same rate and compressed the ratios.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SCRIPT = join(HERE, 'tracker-announce.lua');

export interface WrkRun {
  /** Announces answered with HTTP 200 and no `failure reason`, per second. */
  rps: number;
  requests: number;
  /** Failure replies, non-200 statuses, socket read/write errors and timeouts. */
  errors: number;
  connectErrors: number;
  readErrors: number;
  p50: number;
  p99: number;
  /** CPU seconds wrk itself used (last /proc sample before it exited). */
  clientCpuSec: number;
}

export interface WrkOptions {
  url: string;
  seconds: number;
  connections: number;
  /** wrk threads; one is plenty for a single loopback target. */
  threads: number;
  hashesFile: string;
  peersPerHash: number;
  close: boolean;
  /** A CPU list for taskset (e.g. "1"), or undefined to leave placement to the scheduler. */
  cpus: string | undefined;
}

export function haveWrk(): boolean {
  return spawnSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' }).status === 0;
}

function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch { return -1; }
}

interface WrkJson {
  requests: number; durationUs: number; failures: number; connectErrors: number; readErrors: number;
  writeErrors: number; statusErrors: number; timeouts: number; p50Us: number; p90Us: number; p99Us: number; maxUs: number;
}

export function runWrk(o: WrkOptions): Promise<WrkRun> {
  const args = [
    `-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, '--timeout', '2s', '-s', SCRIPT, o.url,
    '--', o.hashesFile, String(o.peersPerHash), o.close ? 'close' : 'keepalive', String(o.threads),
  ];
  const [cmd, argv] = o.cpus === undefined ? ['wrk', args] : ['taskset', ['-c', o.cpus, 'wrk', ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let cpu = 0;
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const sampler = setInterval(() => { const c = cpuOf(child.pid ?? 0); if (c >= 0) cpu = c; }, 200);
    const killer = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 15) * 1000);
    child.once('exit', (code) => {
      clearInterval(sampler);
      clearTimeout(killer);
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (line === undefined) { reject(new Error(`wrk failed (${code}): ${err || out}`)); return; }
      const j = JSON.parse(line.slice(8)) as WrkJson;
      // response() in the Lua script already counts non-200 replies as failures (wrk's own status
      // count, > 399 only, would count some of them twice).
      const errors = j.failures + j.readErrors + j.writeErrors + j.timeouts;
      const good = Math.max(0, j.requests - j.failures);
      resolve({
        rps: good / (j.durationUs / 1e6), requests: j.requests, errors, connectErrors: j.connectErrors, readErrors: j.readErrors,
        p50: j.p50Us / 1000, p99: j.p99Us / 1000, clientCpuSec: cpu,
      });
    });
  });
}
