// `npm run bench:tracker`: Tessera's tracker beside opentracker (Debian) and the npm package
// bittorrent-tracker, one after the other in the same run, on loopback, with the same load
// generator and client behaviour for all three:
//   HTTP keep-alive and HTTP one-request-per-connection (`Connection: close`): wrk with
//     bench/tracker-announce.lua (bench/tracker-wrk.ts says why wrk); without wrk installed,
//     the Node generator bench/tracker-load.ts, which caps the rates it can measure.
//   UDP: the Node generator bench/tracker-load.ts (BEP 15 connect, then a window of announces).
// opentracker closes the connection after every reply, so its keep-alive run is in effect
// one-per-connection too (wrk counts each such close as a socket read error: the "closes" column).
// "tessera" is the standalone tracker (its own minimal HTTP server); "tessera-node" is the same
// tracker mounted in node:http with createTrackerHandler (HTTP runs only).
// With two or more cores and taskset, the server runs on CPU 0 and the generator on CPU 1, so
// neither steals the other's core and every server gets exactly one (BENCH_PIN=0 turns it off).
// Then a BENCH_MEMORY_SECONDS (default 60) run against Tessera at a steady peer count, sampling
// its RSS and its heap after GC, and the heap cost per peer of the swarm store. Runs BENCH_ROUNDS (default 3)
// rounds and reports medians; about 5 minutes in all. Figures are noisy on a shared 2-core machine: compare within one run only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haveWrk, runWrk, type WrkRun } from './tracker-wrk.ts';
import { compiled } from './lib/compiled.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
// The Node servers and the UDP load generator run compiled (lib/compiled.ts says why).
const SERVER_JS = await compiled(join(HERE, 'tracker-server.ts'));
const LOAD_JS = await compiled(join(HERE, 'tracker-load.ts'));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = 1;
const MEMORY_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const HASHES = 1000;
const PEERS_PER_HASH = 100; // 100k peers in all
const CONNS = 32;
const UDP_WINDOW = 4;

type Mode = 'http-keepalive' | 'http-close' | 'udp';
const MODES: Mode[] = (process.env.BENCH_MODES?.split(',') as Mode[] | undefined) ?? ['http-keepalive', 'http-close', 'udp'];
type Kind = 'tessera' | 'tessera-node' | 'opentracker' | 'bittorrent-tracker';

interface LoadResult { mode: Mode; requests: number; sent: number; errors: number; lost: number; reconnects: number; rps: number; p50: number; p99: number; rss: number[]; clientCpuSec: number }
type Generator = 'wrk' | 'node';
interface Row extends LoadResult { kind: Kind; generator: Generator; serverRss: number; serverCpuUsPerAnnounce: number }

const WRK = haveWrk();
const PIN = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2
  && spawnSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' }).status === 0;
const SERVER_CPUS = '0';
const CLIENT_CPUS = '1';
/** `cmd args` under taskset when pinning (taskset execs, so the child's pid is the program's). */
function pinned(cpus: string, cmd: string, args: string[]): [string, string[]] {
  return PIN ? ['taskset', ['-c', cpus, cmd, ...args]] : [cmd, args];
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch { return 0; }
}

/** utime + stime of a process, in seconds (Linux clock ticks are 1/100 s). */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch { return 0; }
}

function freePort(): number {
  return 20000 + Math.floor(Math.random() * 40000);
}

async function tcpUp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

async function udpUp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve(false); }, 300);
    s.once('message', () => { clearTimeout(t); s.close(); resolve(true); });
    const b = Buffer.alloc(16);
    b.writeUInt32BE(0x417, 0); b.writeUInt32BE(0x27101980, 4); b.writeUInt32BE(0, 8); b.writeUInt32BE(1, 12);
    s.send(b, port, '127.0.0.1');
  });
}

async function startServer(kind: Kind, port: number, dir: string, heapSamples?: number[]): Promise<ChildProcess> {
  let child: ChildProcess;
  if (kind === 'opentracker') {
    // Debian's build serves only whitelisted hashes and chroots into -d (REFERENCE-PEERS.md).
    child = spawn(...pinned(SERVER_CPUS, 'opentracker', ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-d', dir, '-w', '/whitelist.txt']), { stdio: 'ignore' });
  } else {
    const flags = heapSamples !== undefined ? ['--expose-gc'] : [];
    child = spawn(...pinned(SERVER_CPUS, process.execPath, [...flags, SERVER_JS, kind, String(port)]), { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const m = /^heap (\d+)$/.exec(out.slice(0, nl));
        if (m && heapSamples !== undefined) heapSamples.push(Number(m[1]));
        out = out.slice(nl + 1);
      }
    });
  }
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`${kind} exited (${child.exitCode})`);
    if (await tcpUp(port) && await udpUp(port)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${kind} did not start on port ${port}`);
}

/** startServer on a random port, on another one if that was taken (the server exits at once). */
async function startOnFreePort(kind: Kind, dir: string, heapSamples?: number[]): Promise<{ server: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = freePort();
    try {
      return { server: await startServer(kind, port, dir, heapSamples), port };
    } catch (e) {
      if (attempt >= 5) throw e;
      console.error(`  (${kind} did not start on port ${port}: ${e instanceof Error ? e.message : String(e)}; trying another port)`);
    }
  }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(t);
}

function runLoad(cfg: Record<string, unknown>, timeoutSec: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(...pinned(CLIENT_CPUS, process.execPath, [LOAD_JS, JSON.stringify(cfg)]), { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutSec * 1000);
    child.once('exit', (code) => {
      clearTimeout(t);
      try { resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as LoadResult); } catch { reject(new Error(`load generator failed (${code}): ${out}`)); }
    });
  });
}

/**
 * One measured run of `mode` against the server on `port`: wrk for HTTP when installed (a
 * WARMUP-second run, then the measured one), else the Node generator (which warms up within its
 * run). Server CPU is read from /proc around the load and divided by the requests sent in that
 * window: a measure of the server's cost that holds even when the generator is the bottleneck.
 */
async function measure(mode: Mode, port: number, serverPid: number, hashesFile: string, seconds: number, rssSamples?: number[]): Promise<{ r: LoadResult; generator: Generator; cpuUs: number }> {
  if (mode !== 'udp' && WRK) {
    const wrkRun = (sec: number) => runWrk({
      url: `http://127.0.0.1:${port}/announce`, seconds: sec, connections: CONNS, threads: 1,
      hashesFile, peersPerHash: PEERS_PER_HASH, close: mode === 'http-close', cpus: PIN ? CLIENT_CPUS : undefined,
    });
    if (rssSamples === undefined) await wrkRun(WARMUP);
    const cpu0 = cpuOf(serverPid);
    const sampler = rssSamples === undefined ? undefined : setInterval(() => rssSamples.push(rssOf(serverPid)), 5000);
    let w: WrkRun;
    try { w = await wrkRun(seconds); } finally { if (sampler !== undefined) clearInterval(sampler); }
    const cpu = cpuOf(serverPid) - cpu0;
    // wrk counts a reply whose end is the server closing the socket (opentracker's HTTP/1.0
    // replies) as a read error: shown as "closes", not as errors.
    const r: LoadResult = {
      mode, requests: w.requests, sent: w.requests, errors: w.errors - w.readErrors, lost: 0, reconnects: w.readErrors,
      rps: w.rps, p50: w.p50, p99: w.p99, rss: [], clientCpuSec: w.clientCpuSec,
    };
    return { r, generator: 'wrk', cpuUs: w.requests ? (cpu * 1e6) / w.requests : NaN };
  }
  const cpu0 = cpuOf(serverPid);
  const r = await runLoad({
    mode, host: '127.0.0.1', port, path: '/announce', seconds, warmupSeconds: rssSamples === undefined ? WARMUP : 0,
    conns: CONNS, window: UDP_WINDOW, hashesFile, peersPerHash: PEERS_PER_HASH,
    ...(rssSamples === undefined ? {} : { sampleRssPid: serverPid, rssEveryMs: 5000 }),
  }, seconds + WARMUP + 30);
  if (rssSamples !== undefined) rssSamples.push(...r.rss);
  const cpu = cpuOf(serverPid) - cpu0;
  return { r, generator: 'node', cpuUs: r.sent ? (cpu * 1e6) / r.sent : NaN };
}

const mb = (b: number): string => (b / 1048576).toFixed(1);
const pad = (s: string, n: number): string => s.padEnd(n);
const lpad = (s: string, n: number): string => s.padStart(n);

async function main(): Promise<void> {
  const have = spawnSync('sh', ['-c', 'command -v opentracker'], { stdio: 'ignore' }).status === 0;
  const kinds: Kind[] = ((have ? ['tessera', 'tessera-node', 'opentracker', 'bittorrent-tracker'] : ['tessera', 'tessera-node', 'bittorrent-tracker']) as Kind[])
    .filter((k) => process.env.BENCH_ONLY === undefined || process.env.BENCH_ONLY.split(',').includes(k));
  if (!have) console.error('*** opentracker not installed (apt-get install opentracker): its rows are missing');
  const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-tracker-'));
  const rows: Row[] = [];
  try {
    const hashes = Array.from({ length: HASHES }, () => randomBytes(20).toString('hex'));
    const hashesFile = join(dir, 'hashes.txt');
    await writeFile(hashesFile, `${hashes.join('\n')}\n`);
    await writeFile(join(dir, 'whitelist.txt'), `${hashes.join('\n')}\n`);
    // opentracker chroots into dir and drops root to 'nobody': the folder and list must be readable.
    await chmod(dir, 0o755);
    await chmod(join(dir, 'whitelist.txt'), 0o644);
    console.log(`load generators: HTTP ${WRK ? 'wrk (C, epoll; bench/tracker-announce.lua)' : 'the Node generator bench/tracker-load.ts (*** wrk not installed: apt-get install wrk; the Node generator caps the rates)'}, UDP the Node generator bench/tracker-load.ts`);
    console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(PIN ? `CPU pinning: servers on CPU ${SERVER_CPUS}, load generators on CPU ${CLIENT_CPUS} (taskset; BENCH_PIN=0 to turn off)` : 'CPU pinning: off (BENCH_PIN=0, one core, or no taskset)');
    console.log(`tracker bench: ${HASHES} info-hashes x ${PEERS_PER_HASH} peers, ${CONNS} HTTP connections / UDP sockets (UDP window ${UDP_WINDOW}), ${WARMUP}+${SECONDS} s per run, numwant 50, 20% seeds`);

    // Several rounds over all the trackers, each on a fresh server and port: on a shared VM one
    // run can lose a third of its rate to a neighbour, so the table shows each (tracker, mode)'s
    // median run, with every run's rate beside it.
    const runs: Row[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
      for (const kind of kinds) {
        const { server, port } = await startOnFreePort(kind, dir);
        try {
          // tessera-node differs from tessera only in its HTTP server: its UDP run would repeat tessera's.
          for (const mode of MODES.filter((m) => kind !== 'tessera-node' || m !== 'udp')) {
            const { r, generator, cpuUs } = await measure(mode, port, server.pid ?? 0, hashesFile, SECONDS);
            const row: Row = { ...r, kind, generator, serverRss: rssOf(server.pid ?? 0), serverCpuUsPerAnnounce: cpuUs };
            runs.push(row);
            console.log(`  ${pad(kind, 19)} ${pad(mode, 15)} ${lpad(r.rps.toFixed(0), 7)} ann/s  p99 ${r.p99.toFixed(2)} ms  server ${row.serverCpuUsPerAnnounce.toFixed(1)} µs CPU/ann  RSS ${mb(row.serverRss)} MB  ${generator} CPU ${r.clientCpuSec.toFixed(1)} s  errors ${r.errors} lost ${r.lost} closes ${r.reconnects}`);
          }
        } finally {
          await stopServer(server);
        }
      }
    }
    const allRates = new Map<string, number[]>();
    for (const kind of kinds) {
      for (const mode of MODES) {
        const mine = runs.filter((r) => r.kind === kind && r.mode === mode).sort((a, b) => a.rps - b.rps);
        const median = mine[Math.floor(mine.length / 2)];
        if (median === undefined) continue;
        rows.push(median);
        allRates.set(`${kind} ${mode}`, runs.filter((r) => r.kind === kind && r.mode === mode).map((r) => r.rps));
      }
    }

    // Steady state: a fresh Tessera, MEMORY_SECONDS of keep-alive announces over the same 100k peers.
    const heap: number[] = [];
    const { server, port } = await startOnFreePort('tessera', dir, heap);
    let steady: LoadResult;
    const rss: number[] = [];
    try {
      console.log(`  memory: ${MEMORY_SECONDS} s of HTTP keep-alive announces against Tessera at a steady 100k peers...`);
      steady = (await measure('http-keepalive', port, server.pid ?? 0, hashesFile, MEMORY_SECONDS, rss)).r;
    } finally {
      await stopServer(server);
    }
    const perPeer = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(HERE, 'tracker-memory.ts'), '100000', '1000'], { encoding: 'utf8', timeout: 60_000 });
    const mem = JSON.parse(perPeer.stdout.trim() || '{}') as { bytesPerPeer?: number };

    // The table.
    console.log(`\n| tracker | mode | generator | announces/s (median of ${ROUNDS}) | every run | p50 ms | p99 ms | server CPU µs/announce | server RSS MB | errors | lost (UDP) | server closes |`);
    console.log('|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      const every = (allRates.get(`${r.kind} ${r.mode}`) ?? []).map((x) => x.toFixed(0)).join(' / ');
      console.log(`| ${r.kind} | ${r.mode} | ${r.generator} | ${r.rps.toFixed(0)} | ${every} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.serverCpuUsPerAnnounce.toFixed(1)} | ${mb(r.serverRss)} | ${r.errors} | ${r.lost} | ${r.reconnects} |`);
    }
    console.log('\nRatios (rate: Tessera / other; p99 and server CPU per announce: other / Tessera; > 1 favours Tessera):');
    for (const mine of ['tessera', 'tessera-node'] as const) {
      for (const mode of MODES) {
        const t = rows.find((r) => r.kind === mine && r.mode === mode);
        for (const other of kinds.filter((k) => k !== 'tessera' && k !== 'tessera-node')) {
          const o = rows.find((r) => r.kind === other && r.mode === mode);
          if (t === undefined || o === undefined || o.rps === 0) continue;
          console.log(`  ${pad(mine, 12)} ${pad(mode, 15)} vs ${pad(other, 19)} rate x${(t.rps / o.rps).toFixed(2)}   p99 x${(o.p99 / t.p99).toFixed(2)}   CPU per announce x${(o.serverCpuUsPerAnnounce / t.serverCpuUsPerAnnounce).toFixed(2)}`);
        }
      }
    }
    const get = (k: Kind, m: Mode): number => rows.find((r) => r.kind === k && r.mode === m)?.rps ?? NaN;
    const check = (label: string, ok: boolean): void => console.log(`  [${ok ? 'met' : 'NOT met'}] ${label}`);
    console.log('\nTargets (for the standalone server, "tessera"):');
    check('>= 3x bittorrent-tracker\'s announce rate (every mode)', MODES.every((m) => get('tessera', m) >= 3 * get('bittorrent-tracker', m)));
    const cpuOfRow = (k: Kind, m: Mode): number => rows.find((r) => r.kind === k && r.mode === m)?.serverCpuUsPerAnnounce ?? NaN;
    check('<= 1/3 of bittorrent-tracker\'s server CPU per announce (every mode)', MODES.every((m) => 3 * cpuOfRow('tessera', m) <= cpuOfRow('bittorrent-tracker', m)));
    if (have) {
      check('HTTP >= opentracker (one request per connection, the only way opentracker serves)', get('tessera', 'http-close') >= get('opentracker', 'http-close'));
      check('HTTP keep-alive >= opentracker', get('tessera', 'http-keepalive') >= get('opentracker', 'http-keepalive'));
      check('UDP >= half of opentracker', get('tessera', 'udp') >= 0.5 * get('opentracker', 'udp'));
    }
    // The first walk over the 100k peers fills the store (about 15-20 s at these rates): growth is
    // judged over the second half of the run, from the sample nearest MEMORY_SECONDS / 2.
    const mid = Math.max(0, Math.round(MEMORY_SECONDS / 2 / 5) - 1);
    const first = rss[mid] ?? rss[0] ?? 0;
    const last = rss[rss.length - 1] ?? 0;
    console.log(`\nSteady state (Tessera, ${MEMORY_SECONDS} s, ${steady.rps.toFixed(0)} ann/s, ${steady.requests} announces): RSS every 5 s (MB): ${rss.map(mb).join(' ')}`);
    console.log(`  RSS growth from ${(mid + 1) * 5} s to ${MEMORY_SECONDS} s: ${mb(last - first)} MB (${first ? (((last - first) / first) * 100).toFixed(1) : '?'}%)`);
    const h0 = heap[mid] ?? heap[0] ?? 0;
    const h1 = heap[heap.length - 1] ?? 0;
    console.log(`  heap after a forced GC every 5 s (MB): ${heap.map(mb).join(' ')}`);
    console.log(`  heap growth from ${(mid + 1) * 5} s to the end: ${mb(h1 - h0)} MB (${h0 ? (((h1 - h0) / h0) * 100).toFixed(1) : '?'}%)`);
    check('no memory growth at a steady peer count (live heap after GC, second half of the run: < 5%)', h0 > 0 && h1 - h0 < 0.05 * h0);
    check('RSS within 10% over the second half (RSS also moves with V8\'s lazy heap sizing)', first > 0 && last - first < 0.1 * first);
    console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`Swarm store heap per IPv4 peer (100k peers, 1,000 swarms, after GC): ${mem.bytesPerPeer ?? '?'} bytes`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
