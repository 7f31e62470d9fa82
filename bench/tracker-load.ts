// Tracker load generator (a child process of bench/tracker.ts, so its CPU is not the server's).
// The same client behaviour against every tracker: announces for `hashes` info-hashes ×
// `peersPerHash` peers, walked in a fixed stride so the population reaches a steady size after
// one cycle; 1 in 5 peers is a seed; numwant 50; compact.
//   http-keepalive: `conns` connections, one request in flight on each, reused (a connection the
//                   server closes is reopened and counted).
//   http-close:     the same, with `Connection: close` and a new connection per request.
//   udp:            `conns` sockets, each connects once (BEP 15) then keeps `window` announces
//                   in flight; a reply not seen in 1 s counts as lost and is replaced.
// Prints one JSON line: requests, errors, lost, reconnects, rps, p50/p99 latency (ms), and for
// `sampleRssPid` the server's RSS sampled every `rssEveryMs`.
import { connect, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';

interface LoadConfig {
  mode: 'http-keepalive' | 'http-close' | 'udp';
  host: string;
  port: number;
  path: string;
  seconds: number;
  warmupSeconds: number;
  conns: number;
  window: number;
  hashesFile: string;
  peersPerHash: number;
  sampleRssPid?: number;
  rssEveryMs?: number;
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
const hashes = readFileSync(cfg.hashesFile, 'utf8').trim().split('\n').map((h) => Buffer.from(h, 'hex'));
const population = hashes.length * cfg.peersPerHash;

function esc(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += `%${x.toString(16).padStart(2, '0')}`;
  return s;
}
const escHashes = hashes.map(esc);

let cursor = 0;
/** Next (hash, peer) in a stride walk that visits the whole population once per cycle. */
function nextPeer(): { h: number; p: number } {
  const i = cursor;
  cursor = (cursor + 7919) % population; // a prime stride: hashes and peers interleave
  return { h: i % hashes.length, p: Math.floor(i / hashes.length) };
}

const peerIds = new Map<number, Buffer>();
function peerId(p: number): Buffer {
  const hit = peerIds.get(p);
  if (hit !== undefined) return hit;
  const b = Buffer.alloc(20, 0x2d);
  peerIds.set(p, b);
  b.write('-BN0001-', 0, 'latin1');
  b.writeUInt32BE(p, 12);
  b.writeUInt32BE(p * 2654435761 >>> 0, 16);
  return b;
}

// Requests are prebuilt per (peer, mode) and joined with the hash per request, so the load
// generator spends little CPU of its own (it shares the machine with the server).
const peerParts = new Map<number, string>();
function httpRequest(keepAlive: boolean): string {
  const { h, p } = nextPeer();
  let tail = peerParts.get(p);
  if (tail === undefined) {
    const left = p % 5 === 0 ? 0 : 1000000;
    tail = `&peer_id=${esc(peerId(p))}&port=${10000 + p}&uploaded=0&downloaded=0&left=${left}&compact=1&numwant=50 HTTP/1.1\r\nHost: ${cfg.host}\r\n${keepAlive ? '' : 'Connection: close\r\n'}\r\n`;
    peerParts.set(p, tail);
  }
  return `GET ${cfg.path}?info_hash=${escHashes[h]}${tail}`;
}

const latencies: number[] = [];
let requests = 0;
let errors = 0;
let lost = 0;
let reconnects = 0;
let sent = 0;
let measuring = false;
let stopping = false;
const rss: number[] = [];

function record(start: bigint, ok: boolean): void {
  if (!measuring) return;
  requests++;
  if (!ok) errors++;
  latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
}

/** One HTTP connection loop: send, read a full reply (Content-Length or close), repeat. */
function httpLoop(keepAlive: boolean): void {
  let sock: Socket | undefined;
  let buf: Buffer = Buffer.alloc(0);
  let start = 0n;
  let waiting = false;
  let retry = false;
  const open = (): void => {
    if (stopping) return;
    const s = connect(cfg.port, cfg.host);
    sock = s;
    buf = Buffer.alloc(0);
    s.setNoDelay(true);
    s.on('connect', send);
    s.on('data', (d: Buffer) => { buf = buf.length ? Buffer.concat([buf, d]) : d; tryParse(false); });
    s.on('close', () => {
      // A keep-alive connection the server closed before answering (opentracker closes after
      // every reply): resend on a new connection, as an HTTP client does for an idempotent GET.
      if (waiting && buf.length === 0) { waiting = false; retry = true; } else if (waiting) tryParse(true);
      if (sock === s) { sock = undefined; if (!stopping) { if (keepAlive) reconnects++; open(); } }
    });
    s.on('error', () => { /* close follows */ });
  };
  const send = (): void => {
    if (stopping || sock === undefined) return;
    if (!retry) start = process.hrtime.bigint(); // a retried request keeps its first start time
    retry = false;
    waiting = true;
    sent++;
    sock.write(httpRequest(keepAlive));
  };
  const tryParse = (closed: boolean): void => {
    if (!waiting) return;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) { if (closed) { waiting = false; record(start, false); } return; }
    const head = buf.subarray(0, end).toString('latin1');
    const m = /content-length:\s*(\d+)/i.exec(head);
    const need = m ? end + 4 + Number(m[1]) : -1;
    if (need >= 0 ? buf.length < need : !closed) return;
    const body = buf.subarray(end + 4, need >= 0 ? need : buf.length);
    const ok = head.startsWith('HTTP/1.1 200') || head.startsWith('HTTP/1.0 200');
    waiting = false;
    record(start, ok && body.indexOf('failure reason') < 0);
    buf = need >= 0 ? buf.subarray(need) : Buffer.alloc(0);
    const serverCloses = /connection:\s*close/i.test(head);
    if (keepAlive && !serverCloses && !closed) { send(); return; }
    // Let the server close first (as opentracker always does), so TIME_WAIT lands on its side
    // and the client does not run out of ephemeral ports; the 'close' handler reopens.
    const s = sock;
    if (!closed && s !== undefined) setTimeout(() => { if (!s.destroyed) s.destroy(); }, 2000).unref();
  };
  open();
}

/** One UDP socket: connect, then keep `window` announces in flight. */
function udpLoop(): void {
  const s = createSocket(cfg.host.includes(':') ? 'udp6' : 'udp4');
  const inflight = new Map<number, bigint>();
  let cid: Buffer | undefined;
  let tid = Math.floor(Math.random() * 0x7fffffff);
  const announce = (): void => {
    if (stopping || cid === undefined) return;
    const { h, p } = nextPeer();
    const b = Buffer.alloc(98);
    cid.copy(b, 0);
    b.writeUInt32BE(1, 8);
    const t = (tid = (tid + 1) >>> 0);
    b.writeUInt32BE(t, 12);
    hashes[h]?.copy(b, 16);
    peerId(p).copy(b, 36);
    b.writeBigUInt64BE(p % 5 === 0 ? 0n : 1000000n, 64);
    b.writeInt32BE(50, 92);
    b.writeUInt16BE(10000 + p, 96);
    inflight.set(t, process.hrtime.bigint());
    sent++;
    s.send(b, cfg.port, cfg.host);
  };
  const connectReq = (): void => {
    const b = Buffer.alloc(16);
    b.writeUInt32BE(0x417, 0); b.writeUInt32BE(0x27101980, 4); b.writeUInt32BE(0, 8); b.writeUInt32BE(0xc0ffee, 12);
    s.send(b, cfg.port, cfg.host);
  };
  s.on('message', (m) => {
    if (m.length < 8) return;
    const action = m.readUInt32BE(0);
    const t = m.readUInt32BE(4);
    if (action === 0 && t === 0xc0ffee && m.length >= 16 && cid === undefined) {
      cid = Buffer.from(m.subarray(8, 16));
      for (let i = 0; i < cfg.window; i++) announce();
      return;
    }
    const st = inflight.get(t);
    if (st === undefined) return;
    inflight.delete(t);
    record(st, action === 1);
    announce();
  });
  s.on('error', () => { /* counted as loss by the timeout sweep */ });
  // Lost datagrams: replace anything older than 1 s.
  const sweep = setInterval(() => {
    if (cid === undefined) { connectReq(); return; }
    const now = process.hrtime.bigint();
    for (const [t, st] of inflight) if (now - st > 1_000_000_000n) { inflight.delete(t); if (measuring) lost++; announce(); }
  }, 250);
  s.bind(0, cfg.host, connectReq);
  stoppers.push(() => { clearInterval(sweep); s.close(); });
}

const stoppers: Array<() => void> = [];

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch { return 0; }
}

for (let i = 0; i < cfg.conns; i++) {
  if (cfg.mode === 'udp') udpLoop(); else httpLoop(cfg.mode === 'http-keepalive');
}
setTimeout(() => { measuring = true; }, cfg.warmupSeconds * 1000);
let rssTimer: NodeJS.Timeout | undefined;
if (cfg.sampleRssPid !== undefined) {
  const pid = cfg.sampleRssPid;
  rssTimer = setInterval(() => rss.push(rssOf(pid)), cfg.rssEveryMs ?? 5000);
}
setTimeout(() => {
  measuring = false;
  stopping = true;
  if (rssTimer) clearInterval(rssTimer);
  for (const s of stoppers) s();
  latencies.sort((a, b) => a - b);
  const q = (f: number): number => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))] ?? NaN;
  process.stdout.write(`${JSON.stringify({
    mode: cfg.mode, requests, errors, lost, reconnects, rps: requests / cfg.seconds, sent,
    clientCpuSec: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    p50: q(0.5), p99: q(0.99), rss,
  })}\n`);
  process.exit(0);
}, (cfg.warmupSeconds + cfg.seconds) * 1000);
