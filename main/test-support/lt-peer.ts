// Runs main/test-support/lt-peer.py (python3-libtorrent) as a child process and exposes its JSON
// status lines. Used by the engine interop tests and bench/download.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PYTHON } from './reference-tools.ts';

const SCRIPT = fileURLToPath(new URL('./lt-peer.py', import.meta.url));

export interface LtEvent {
  event: string;
  port?: number;
  progress?: number;
  peers?: number;
  seeding?: boolean;
  seconds?: number;
  user?: number;
  sys?: number;
  message?: string;
  uploaded?: number;
  downloaded?: number;
}

export interface LtPeerOptions {
  mode: 'seed' | 'leech';
  torrent: string;
  save: string;
  port?: number;
  connect?: string[];
  timeoutSec?: number;
  stay?: boolean;
  check?: boolean;
  verbose?: boolean;
  /** MSE policy of the libtorrent peer (default plaintext). */
  enc?: 'plaintext' | 'forced' | 'enabled';
  /** Listen address (default 127.0.0.1; '::1' for IPv6). */
  host?: string;
  /** Status poll interval in seconds (default 0.2); the start and done times are quantised to it. */
  interval?: number;
  /** uTP only: TCP off both ways in libtorrent, uTP on both ways. */
  utp?: boolean;
}

export class LtPeer {
  readonly child: ChildProcess;
  readonly events: LtEvent[] = [];
  #waiters: Array<{ pred: (e: LtEvent) => boolean; resolve: (e: LtEvent) => void }> = [];
  #exited: Promise<number | null>;
  stderr = '';

  constructor(opts: LtPeerOptions) {
    const args = [SCRIPT, opts.mode, '--torrent', opts.torrent, '--save', opts.save, '--port', String(opts.port ?? 0),
      '--timeout', String(opts.timeoutSec ?? 120)];
    for (const c of opts.connect ?? []) args.push('--connect', c);
    if (opts.stay === true) args.push('--stay');
    if (opts.check === true) args.push('--check');
    if (opts.verbose === true) args.push('--verbose');
    if (opts.interval !== undefined) args.push('--interval', String(opts.interval));
    if (opts.enc !== undefined) args.push('--enc', opts.enc);
    if (opts.host !== undefined) args.push('--host', opts.host);
    if (opts.utp === true) args.push('--utp');
    this.child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let ev: LtEvent;
        try { ev = JSON.parse(line) as LtEvent; } catch { continue; }
        if (ev.event !== 'status') this.events.push(ev);
        else { this.last = ev; }
        this.#waiters = this.#waiters.filter((w) => { if (w.pred(ev)) { w.resolve(ev); return false; } return true; });
      }
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (d: string) => { if (this.stderr.length < 20000) this.stderr += d; });
    this.#exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  last: LtEvent | undefined;

  /** Resolves with the first event matching `pred` (past or future); rejects after timeoutMs or on exit. */
  waitFor(pred: (e: LtEvent) => boolean, timeoutMs: number): Promise<LtEvent> {
    const hit = this.events.find(pred) ?? (this.last !== undefined && pred(this.last) ? this.last : undefined);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`libtorrent peer: timed out waiting (${timeoutMs} ms); stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      const w = { pred, resolve: (e: LtEvent) => { clearTimeout(timer); resolve(e); } };
      this.#waiters.push(w);
      void this.#exited.then((code) => {
        if (this.#waiters.includes(w)) {
          clearTimeout(timer);
          reject(new Error(`libtorrent peer exited (${code}) before the awaited event; stderr: ${this.stderr.slice(-2000)}`));
        }
      });
    });
  }

  async port(timeoutMs = 15000): Promise<number> {
    const e = await this.waitFor((x) => x.event === 'listening', timeoutMs);
    if (!e.port) throw new Error('libtorrent peer did not report a listen port');
    return e.port;
  }

  /** Close stdin (the driver exits on EOF) and wait; SIGKILL if it lingers. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin?.end();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(t);
  }

  exited(): Promise<number | null> {
    return this.#exited;
  }
}
