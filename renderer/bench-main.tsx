// BENCHMARK HARNESS (npm run bench:ui). Mounts the real <App> over a TesseraApi that replays the
// synthetic feed from dev/feed-worker.ts instead of talking to an engine. The app itself never
// uses synthetic data; this page exists only to measure the renderer under a known load.
import type { EventName, Events, Result, Settings, TesseraApi } from '../shared/contract.ts';
import { DetailFrameDecoder } from '../shared/detail-delta.ts';
import type { ServerMessage } from '../shared/ws-protocol.ts';
import type { FromWorker, ToWorker } from './dev/feed-worker.ts';
import { mountApp } from './mount.tsx';
import { SYNTHETIC_FILES } from './dev/synthetic-feed.ts';
import { clickRow, setDetailTab } from './store/actions.ts';

const SETTINGS: Settings = {
  downloadDir: '/home/user/Downloads', listenPort: 51413, maxConnections: 500, maxConnectionsPerTorrent: 80,
  maxUploadRate: 0, maxDownloadRate: 0, seedRatioLimit: 0, seedTimeLimit: 0, startPaused: false, theme: 'system', dht: true, dhtBootstrap: [], encryption: 'prefer', utp: true,
};

const worker = new Worker(new URL('./dev/feed-worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);
const listeners = new Map<EventName, Set<(p: never) => void>>();
function emit<E extends EventName>(event: E, payload: Events[E]): void {
  for (const l of listeners.get(event) ?? []) (l as (p: Events[E]) => void)(payload);
}

/** Bytes of encoded snapshots received (text frames as UTF-8, binary frames as they are). */
const stats = { bytes: 0, events: 0, details: 0 };
let bigId = '';
const details = new DetailFrameDecoder();

/**
 * Cost of handling one message: decode + store update + React's synchronous re-render (React
 * flushes external-store updates in a microtask queued during emit, so a microtask queued after
 * emit runs once the commit is done). Canvas drawing happens in effects inside that commit.
 */
const costs: Record<string, number[]> = {};
function timed(kind: string, t0: number): void {
  queueMicrotask(() => { (costs[kind] ??= []).push(performance.now() - t0); });
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.kind === 'ready') { bigId = m.bigId; return; }
  const t0 = performance.now();
  stats.events++;
  if (m.kind === 'binary') {
    stats.bytes += m.bytes.byteLength;
    stats.details++;
    emit('torrent:detail', details.decode(new Uint8Array(m.bytes)));
    timed('torrent:detail', t0);
    return;
  }
  stats.bytes += m.bytes;
  const msg = JSON.parse(m.text) as ServerMessage;
  if (msg.t === 'event') { emit(msg.event, msg.payload as never); timed(msg.event, t0); }
};

const api: TesseraApi = {
  invoke(command, arg) {
    // Commands are answered locally: the benchmark measures rendering, not an engine.
    if (command === 'torrent:select') send({ type: 'focus', id: (arg as { id: string | null }).id });
    const value = command === 'settings:get' || command === 'settings:set' ? SETTINGS : command === 'torrent:files' ? SYNTHETIC_FILES : null;
    return Promise.resolve({ ok: true, value } as Result<never>);
  },
  on(event, listener) {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener as (p: never) => void);
    return () => { set.delete(listener as (p: never) => void); };
  },
};

const container = document.getElementById('root');
if (!container) throw new Error('bench.html has no #root');
const mounted = mountApp(container, api, { strict: false });

// Driven by bench/ui.ts through page.evaluate.
export interface BenchResult {
  frames: number[]; longTasks: number[]; bytes: number; seconds: number; events: number; details: number; heap: number | null;
  /** Per event name: milliseconds from message arrival to React commit done. */
  costs: Record<string, number[]>;
}
interface BenchHooks {
  start(hz: number, torrents: number, pieces: number): Promise<void>;
  measure(ms: number): Promise<BenchResult>;
  stop(): void;
}
const hooks: BenchHooks = {
  async start(hz, torrents, pieces) {
    send({ type: 'start', hz, feed: { torrents, bigPieces: pieces } });
    const t0 = performance.now();
    while ((!bigId || mounted.store.getState().torrents.size < torrents) && performance.now() - t0 < 30_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    setDetailTab(mounted.store, 'pieces');
    clickRow(mounted.store, bigId);
    const t1 = performance.now();
    while (!mounted.store.getState().detail && performance.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 50));
  },
  measure(ms) {
    return new Promise((resolve) => {
      const frames: number[] = [];
      const longTasks: number[] = [];
      const po = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
      try { po.observe({ type: 'longtask', buffered: false }); } catch { /* not supported */ }
      const bytes0 = stats.bytes, events0 = stats.events, details0 = stats.details;
      for (const k of Object.keys(costs)) delete costs[k];
      const start = performance.now();
      let last = start;
      const frame = (now: number): void => {
        frames.push(now - last);
        last = now;
        if (now - start < ms) { requestAnimationFrame(frame); return; }
        po.disconnect();
        const mem = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
        resolve({
          frames: frames.slice(1), longTasks, bytes: stats.bytes - bytes0, seconds: (now - start) / 1000,
          events: stats.events - events0, details: stats.details - details0, heap: mem ? mem.usedJSHeapSize : null, costs: { ...costs },
        });
      };
      requestAnimationFrame((t) => { last = t; requestAnimationFrame(frame); });
    });
  },
  stop() { send({ type: 'stop' }); },
};
(window as unknown as { tesseraBench: BenchHooks }).tesseraBench = hooks;
