// The engine side of the host, independent of how it is hosted: wires a Session to the
// dispatcher and the snapshot publisher and talks to the main side through a port. worker.ts runs
// it in a worker_threads Worker with the real Session; the unit tests run it with a small fake.
import type { Settings } from '../../shared/contract.ts';
import type { SessionDhtOptions } from '../engine/session-dht.ts';
import { dhtOptionsOf } from './dht-setting.ts';
import { dispatch, engineSettingsOf, type JobHandlers } from './dispatcher.ts';
import type { EngineInit, HostToWorker, WorkerToHost } from './protocol.ts';
import { SnapshotPublisher } from './publisher.ts';
import { PeerNames } from './peer-names.ts';
import type { EngineSession, EngineSessionSettings } from './session-port.ts';
import { SettingsStore } from './settings-store.ts';

export interface HostPort {
  post(msg: WorkerToHost): void;
  onMessage(listener: (msg: HostToWorker) => void): void;
}

export interface OpenSessionOptions {
  stateDir: string;
  settings: Partial<EngineSessionSettings>;
  listenHost?: string;
  /** BEP 5 DHT: absent = off. */
  dht?: SessionDhtOptions;
}

export interface EngineFactory {
  openSession(opts: OpenSessionOptions): Promise<EngineSession>;
  jobs?(session: EngineSession, post: (msg: WorkerToHost) => void): JobHandlers;
}

export const DEFAULT_SNAPSHOT_INTERVAL_MS = 250;

export function runEngineHost(port: HostPort, factory: EngineFactory): { done: Promise<void> } {
  let session: EngineSession | undefined;
  let settings: SettingsStore | undefined;
  const publisher = new SnapshotPublisher();
  const peerNames = new PeerNames();
  let timer: ReturnType<typeof setInterval> | undefined;
  let soon = false;
  let closing = false;
  let lastStats = '';
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => { resolveDone = r; });
  const queued: HostToWorker[] = [];
  let jobs: JobHandlers = {};
  let noDht = false;

  const tick = (): void => {
    if (!session || closing) return;
    const summaries = session.summaries();
    const s = session;
    const out = publisher.tick(summaries, (id) => {
      const d = s.detail(id);
      return d === undefined ? undefined : peerNames.annotate(d);
    });
    if (out.list) port.post({ t: 'event', event: 'torrents:update', payload: out.list });
    for (const d of out.details) port.post({ t: 'detail', clientIds: d.clientIds, detail: d.detail });
    let down = 0;
    let up = 0;
    for (const x of summaries) { down += x.downRate; up += x.upRate; }
    const stats = { downRate: down, upRate: up, port: s.port };
    const key = JSON.stringify(stats);
    if (key !== lastStats) {
      lastStats = key;
      port.post({ t: 'event', event: 'session:stats', payload: stats });
    }
  };
  const publishSoon = (): void => {
    if (soon) return;
    soon = true;
    setImmediate(() => { soon = false; tick(); });
  };

  const handle = async (msg: HostToWorker): Promise<void> => {
    if (msg.t === 'invoke') {
      if (!session || !settings) { queued.push(msg); return; }
      const result = await dispatch({ session, settings, publisher, jobs, publishSoon, noDht }, msg.clientId, msg.cmd);
      port.post({ t: 'result', id: msg.id, result });
    } else if (msg.t === 'client-gone') {
      publisher.clientGone(msg.clientId);
    } else if (msg.t === 'close') {
      if (closing) return;
      closing = true;
      if (timer) clearInterval(timer);
      await session?.close().catch(() => undefined);
      port.post({ t: 'closed' });
      resolveDone();
    } else if (msg.t === 'init') {
      await start(msg.init);
    }
  };

  const start = async (init: EngineInit): Promise<void> => {
    try {
      const loaded = await SettingsStore.load(init.settingsFile, init.defaults);
      settings = loaded.store;
      if (loaded.warning) port.post({ t: 'event', event: 'engine:error', payload: { message: loaded.warning, severity: 'warning' } });
      // settings:get must answer with what this run really uses (issue: the dialog showed the saved
      // download folder while `serve --download-dir` downloaded elsewhere).
      noDht = init.noDht === true;
      const overrides: Partial<Settings> = { ...init.overrides, ...(noDht ? { dht: false } : {}) };
      if (Object.keys(overrides).length > 0) settings.setRunOverrides(overrides);
      const effective: Settings = settings.get();
      const opts: OpenSessionOptions = { stateDir: init.stateDir, settings: engineSettingsOf(effective) };
      if (init.listenHost !== undefined) opts.listenHost = init.listenHost;
      const dht = noDht ? null : dhtOptionsOf(effective);
      if (dht !== null) opts.dht = dht;
      const s = await factory.openSession(opts);
      session = s;
      jobs = factory.jobs?.(s, (m) => port.post(m)) ?? {};
      s.on('torrent:completed', (t) => {
        port.post({ t: 'event', event: 'torrent:completed', payload: { id: t.id, name: t.name } });
        publishSoon();
      });
      s.on('torrent:error', (id, message) => port.post({ t: 'event', event: 'engine:error', payload: { id, message, severity: 'error' } }));
      s.on('torrent:warning', (id, message) => port.post({ t: 'event', event: 'engine:error', payload: { id, message, severity: 'warning' } }));
      port.post({ t: 'ready', port: s.port });
      timer = setInterval(tick, init.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS);
      tick();
      for (const q of queued.splice(0)) void handle(q);
    } catch (e) {
      port.post({ t: 'fatal', message: e instanceof Error ? e.message : String(e) });
      resolveDone();
    }
  };

  port.onMessage((msg) => { void handle(msg); });
  return { done };
}
