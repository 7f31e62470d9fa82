// The main-process end of the engine: starts the worker, validates every command before posting
// it (the worker trusts what it receives), matches results to requests, and mirrors the torrent
// list so a client that connects later gets the full list at once. Used by the Electron shell and
// by headless mode alike; it imports neither electron nor any transport.
import { Worker } from 'node:worker_threads';
import type { Events, Result } from '../../shared/contract.ts';
import type { TorrentDetail, TorrentSummary } from '../../shared/snapshot.ts';
import { validateCommand } from '../../shared/validate.ts';
import type { BroadcastEvent, EngineInit, HostToWorker, WorkerToHost } from './protocol.ts';

export interface EngineClientOptions {
  /** The worker entry: out/electron/engine-worker.cjs, or worker-shim.mjs under tsx. */
  workerFile: string | URL;
  /** Passed to the worker (worker-shim.mjs reads `tsEntry` from it). */
  workerData?: unknown;
  init: EngineInit;
  /** How long to wait for the Session to open. */
  startTimeoutMs?: number;
}

export type BroadcastListener = <E extends BroadcastEvent>(event: E, payload: Events[E]) => void;
export type DetailListener = (clientIds: readonly string[], detail: TorrentDetail) => void;

export class EngineClient {
  readonly port: number;
  #worker: Worker;
  #next = 1;
  #pending = new Map<number, (r: Result<unknown>) => void>();
  #list = new Map<string, TorrentSummary>();
  #broadcast = new Set<BroadcastListener>();
  #detail = new Set<DetailListener>();
  #exited = false;
  #closed: Promise<void>;

  private constructor(worker: Worker, port: number, closed: Promise<void>) {
    this.#worker = worker;
    this.port = port;
    this.#closed = closed;
    worker.on('message', (m: WorkerToHost) => this.#onMessage(m));
  }

  static async start(opts: EngineClientOptions): Promise<EngineClient> {
    const worker = new Worker(opts.workerFile, opts.workerData === undefined ? {} : { workerData: opts.workerData });
    const closed = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => { void worker.terminate(); reject(new Error('engine did not start in time')); }, opts.startTimeoutMs ?? 30_000);
      const onMsg = (m: WorkerToHost): void => {
        if (m.t === 'ready') { cleanup(); resolve(m.port); }
        else if (m.t === 'fatal') { cleanup(); void worker.terminate(); reject(new Error(`engine failed to start: ${m.message}`)); }
      };
      const onErr = (e: Error): void => { cleanup(); reject(e); };
      const onExit = (code: number): void => { cleanup(); reject(new Error(`engine worker exited with code ${code} while starting`)); };
      const cleanup = (): void => { clearTimeout(timer); worker.off('message', onMsg); worker.off('error', onErr); worker.off('exit', onExit); };
      worker.on('message', onMsg);
      worker.once('error', onErr);
      worker.once('exit', onExit);
      worker.postMessage({ t: 'init', init: opts.init } satisfies HostToWorker);
    });
    const client = new EngineClient(worker, port, closed);
    worker.on('error', (e) => client.#emit('engine:error', { message: `engine worker: ${e.message}`, severity: 'error' }));
    worker.on('exit', () => client.#onExit());
    return client;
  }

  /** Validates and runs one command for `clientId` (whose selection decides its detail stream). */
  invoke(clientId: string, command: unknown, arg: unknown): Promise<Result<unknown>> {
    const v = validateCommand(command, arg);
    if (!v.ok) return Promise.resolve(v);
    if (this.#exited) return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'the engine has stopped' } });
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#post({ t: 'invoke', id, clientId, cmd: v.value });
    });
  }

  clientGone(clientId: string): void {
    if (!this.#exited) this.#post({ t: 'client-gone', clientId });
  }

  /** The whole list as one `full` update, for a client that just connected. */
  fullList(): Events['torrents:update'] {
    return { changed: [...this.#list.values()], removed: [], full: true };
  }

  summary(id: string): TorrentSummary | undefined {
    return this.#list.get(id);
  }

  onBroadcast(l: BroadcastListener): () => void {
    this.#broadcast.add(l);
    return () => this.#broadcast.delete(l);
  }

  onDetail(l: DetailListener): () => void {
    this.#detail.add(l);
    return () => this.#detail.delete(l);
  }

  /** Closes the Session (announces stopped, flushes resume data), then ends the worker. */
  async close(timeoutMs = 15_000): Promise<void> {
    if (this.#exited) return;
    this.#post({ t: 'close' });
    const closedMsg = new Promise<void>((resolve) => {
      const on = (m: WorkerToHost): void => { if (m.t === 'closed') { this.#worker.off('message', on); resolve(); } };
      this.#worker.on('message', on);
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); });
    await Promise.race([closedMsg, this.#closed, timeout]);
    clearTimeout(timer);
    await this.#worker.terminate();
    await this.#closed;
  }

  #post(m: HostToWorker): void {
    this.#worker.postMessage(m);
  }

  #emit<E extends BroadcastEvent>(event: E, payload: Events[E]): void {
    for (const l of this.#broadcast) l(event, payload);
  }

  #onMessage(m: WorkerToHost): void {
    if (m.t === 'result') {
      const r = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      r?.(m.result);
    } else if (m.t === 'event') {
      if (m.event === 'torrents:update') {
        const u = m.payload as Events['torrents:update'];
        if (u.full) this.#list.clear();
        for (const s of u.changed) this.#list.set(s.id, s);
        for (const id of u.removed) this.#list.delete(id);
      }
      for (const l of this.#broadcast) l(m.event, m.payload);
    } else if (m.t === 'detail') {
      for (const l of this.#detail) l(m.clientIds, m.detail);
    }
  }

  #onExit(): void {
    this.#exited = true;
    for (const r of this.#pending.values()) r({ ok: false, error: { code: 'INTERNAL', message: 'the engine stopped' } });
    this.#pending.clear();
  }
}
