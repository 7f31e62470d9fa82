// Announces one torrent to its trackers on schedule (BEP 3 events, BEP 12 tiers):
// `started` first, then regular announces every `interval` (never sooner than `min interval`),
// `completed` once when the download finishes, `stopped` on stop with a short timeout.
// Tracker failures and warnings are kept per tracker for the UI and emitted as 'warning'.
// Scrapes (figures for the UI) are scheduled by tracker-scrapes.ts.

import { EventEmitter } from 'node:events';
import type { TrackerSummary } from '../../../shared/snapshot.ts';
import { TesseraError } from '../errors.ts';
import type { PeerAddress } from '../wire/compact.ts';
import { HttpTracker, type HttpTrackerOptions, type TrackerClient } from './http-tracker.ts';
import { UdpTracker, type UdpTrackerOptions } from './udp-tracker.ts';
import { MAX_TRACKERS, TrackerTiers } from './tracker-tiers.ts';
import type { AnnounceEvent, AnnounceResponse } from './tracker-codec.ts';
import { TrackerScrapes } from './tracker-scrapes.ts';

export interface AnnouncerInit {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  port: number;
  tiers: string[][];
}

export interface TransferStats {
  uploaded: number;
  downloaded: number;
  left: number;
}

export interface AnnouncerOptions {
  numWant?: number;
  /** Our own floor under any tracker's interval (a tracker saying `interval 0` must not make us spin). Default 30 s. */
  minIntervalFloorMs?: number;
  /** First retry after every tracker failed; doubles up to 30 min. Default 60 s. */
  retryMs?: number;
  /** Time allowed for `stopped` announces. Default 5 s. */
  stopTimeoutMs?: number;
  http?: HttpTrackerOptions;
  /** Defaults to BEP 15's 15 s base with n capped at 3 (15+30+60+120 s), so a dead tracker does not hold its tier for an hour. */
  udp?: UdpTrackerOptions;
  /** Builds the client for a URL; null for an unsupported scheme. Injectable for tests. */
  createClient?: (url: string) => TrackerClient | null;
  /** Scrape every tracker this long after the first answered announce, then at this period. Default 10 min. */
  scrapeIntervalMs?: number;
  /** Delay from the first answered announce to the first scrape. Default 1 s. */
  firstScrapeDelayMs?: number;
}

export interface AnnouncerEvents {
  peers: [PeerAddress[]];
  /** A tracker's warning message or failure, worded for the user. */
  warning: [string];
  /** Some tracker's status changed: call trackers() for the new summaries. */
  update: [];
}

interface TrackerState {
  url: string;
  tier: number;
  client: TrackerClient | null;
  summary: TrackerSummary;
  /** The tracker has us on its list (we sent `started` and it answered). */
  started: boolean;
  trackerId?: string;
  minIntervalMs: number;
  lastAnnounceAt: number;
}

const MAX_RETRY_MS = 30 * 60_000;
const MAX_INTERVAL_MS = 24 * 3600_000;

export class Announcer extends EventEmitter<AnnouncerEvents> {
  readonly #init: AnnouncerInit;
  readonly #stats: () => TransferStats;
  readonly #tiers: TrackerTiers;
  readonly #trackers = new Map<string, TrackerState>();
  readonly #key = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  readonly #numWant: number;
  readonly #floorMs: number;
  readonly #retryBaseMs: number;
  readonly #stopTimeoutMs: number;
  readonly #create: (url: string) => TrackerClient | null;
  readonly #scrapes: TrackerScrapes;

  #running = false;
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<void> | null = null;
  #abort: AbortController | null = null;
  #stopping: Promise<void> = Promise.resolve();
  #retryMs: number;
  #completedPending = false;
  #completedSent = false;

  constructor(init: AnnouncerInit, stats: () => TransferStats, opts: AnnouncerOptions = {}) {
    super();
    this.#init = init;
    this.#stats = stats;
    this.#numWant = opts.numWant ?? 50;
    this.#floorMs = opts.minIntervalFloorMs ?? 30_000;
    this.#retryBaseMs = opts.retryMs ?? 60_000;
    this.#retryMs = this.#retryBaseMs;
    this.#stopTimeoutMs = opts.stopTimeoutMs ?? 5_000;
    const udp: UdpTrackerOptions = { maxRetries: 3, ...opts.udp };
    this.#create = opts.createClient ?? ((url: string): TrackerClient | null => {
      if (/^https?:/i.test(url)) return new HttpTracker(url, opts.http);
      if (/^udp:/i.test(url)) return new UdpTracker(url, udp);
      return null;
    });
    this.#scrapes = new TrackerScrapes({
      infoHash: init.infoHash, targets: () => this.#trackers.values(), running: () => this.#running, updated: () => this.emit('update'),
      intervalMs: opts.scrapeIntervalMs ?? 10 * 60_000, firstDelayMs: opts.firstScrapeDelayMs ?? 1_000,
    });
    this.#tiers = new TrackerTiers(init.tiers);
    for (const { url, tier } of this.#tiers.order()) this.#trackers.set(url, this.#newState(url, tier));
  }

  #newState(url: string, tier: number): TrackerState {
    let client: TrackerClient | null = null;
    let error: string | undefined;
    try {
      client = this.#create(url);
      if (client === null) error = 'unsupported tracker protocol';
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const summary: TrackerSummary = { url, tier, status: error === undefined ? 'idle' : 'error', peersReceived: 0, nextAnnounce: 0 };
    if (error !== undefined) summary.lastError = error;
    return { url, tier, client, summary, started: false, minIntervalMs: 0, lastAnnounceAt: 0 };
  }

  /** The tiers as they stand now (after any add/remove), for saving with the torrent. */
  tiers(): string[][] {
    return this.#tiers.list();
  }

  /**
   * Adds a tracker (the user's "add tracker") last in `tier`, or in a new last tier. Throws
   * BAD_ARGUMENT for a duplicate or past the tracker cap. While running, an announce goes out at
   * once when no tracker is answering (so a torrent whose trackers all failed tries the new one),
   * and the new tracker is scraped.
   */
  addTracker(url: string, tier?: number): void {
    const u = url.trim();
    if (this.#tiers.has(u)) throw new TesseraError('BAD_ARGUMENT', 'this torrent already has that tracker');
    if (!this.#tiers.add(u, tier)) throw new TesseraError('BAD_ARGUMENT', `a torrent can have at most ${MAX_TRACKERS} trackers`);
    const entry = this.#tiers.order().find((e) => e.url === u);
    const state = this.#newState(u, entry?.tier ?? 0);
    this.#trackers.set(u, state);
    this.emit('update');
    if (!this.#running) return;
    if (this.#current() === undefined) this.reannounce();
    if (state.client !== null) void this.#scrapes.one(state, AbortSignal.timeout(15_000)).then(() => this.emit('update'));
  }

  /** Removes a tracker; one that has us on its list is told `stopped` (best effort, bounded). */
  removeTracker(url: string): void {
    const t = this.#trackers.get(url);
    if (t === undefined || !this.#tiers.remove(url)) throw new TesseraError('NOT_FOUND', 'this torrent has no such tracker');
    this.#trackers.delete(url);
    const client = t.client;
    if (t.started && client !== null) {
      void this.#announceOne(t, 'stopped', AbortSignal.timeout(this.#stopTimeoutMs)).catch(() => undefined).finally(() => client.close());
    } else {
      client?.close();
    }
    // The removed tracker may have held the next announce: plan it on whichever leads now.
    if (this.#running && this.#round === null) {
      const cur = this.#current();
      this.#schedule(cur === undefined ? 0 : Math.max(0, cur.lastAnnounceAt + Math.max(cur.minIntervalMs, this.#floorMs) - Date.now()));
    }
    this.emit('update');
  }

  /** Begin announcing (`started` at once). Calling it again while running does nothing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#retryMs = this.#retryBaseMs;
    // A stop() still sending `stopped` finishes first, so the tracker sees stopped → started.
    void this.#stopping.then(() => {
      if (this.#running) this.#schedule(0);
    });
  }

  /** The download finished: send `completed` once (respecting min interval). */
  completed(): void {
    if (this.#completedSent) return;
    this.#completedPending = true;
    if (!this.#running) return;
    const t = this.#current();
    const wait = t === undefined ? 0 : Math.max(0, t.lastAnnounceAt + t.minIntervalMs - Date.now());
    this.#schedule(wait);
  }

  /** Announce now (user's "reannounce"), though never sooner than the tracker's min interval. */
  reannounce(): void {
    if (!this.#running) return;
    const t = this.#current();
    this.#schedule(t === undefined ? 0 : Math.max(0, t.lastAnnounceAt + t.minIntervalMs - Date.now()));
  }

  /** Stop announcing and tell the trackers that have us (`stopped`), bounded by stopTimeoutMs. */
  stop(): Promise<void> {
    const wasRunning = this.#running;
    this.#running = false;
    this.#clearTimer();
    this.#scrapes.clear();
    this.#abort?.abort(new TesseraError('ABORTED', 'announcer stopped'));
    if (!wasRunning) return this.#stopping;
    const round = this.#round ?? Promise.resolve();
    this.#stopping = round.then(() => this.#sendStopped()).catch(() => undefined);
    return this.#stopping;
  }

  /** Scrape every tracker that supports it; results land in trackers(). Failures are not announce errors. */
  scrape(signal?: AbortSignal): Promise<void> {
    return this.#scrapes.all(signal);
  }

  trackers(): TrackerSummary[] {
    return this.#tiers.order().flatMap(({ url, tier }) => {
      const t = this.#trackers.get(url);
      return t === undefined ? [] : [{ ...t.summary, tier }];
    });
  }

  // --- scheduling ------------------------------------------------------------------------------

  #current(): TrackerState | undefined {
    for (const { url } of this.#tiers.order()) {
      const t = this.#trackers.get(url);
      if (t?.summary.status === 'working') return t;
    }
    return undefined;
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(delayMs: number): void {
    this.#clearTimer();
    const at = Date.now() + delayMs;
    for (const t of this.#trackers.values()) t.summary.nextAnnounce = 0;
    const next = this.#current() ?? this.#trackers.get(this.#tiers.order()[0]?.url ?? '');
    if (next !== undefined) next.summary.nextAnnounce = at;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#round !== null) {
        // One round at a time: try again when this one ends.
        void this.#round.then(() => { if (this.#running && this.#timer === null) this.reannounce(); });
        return;
      }
      // A throwing 'peers' listener must not become an unhandled rejection: retry later instead.
      this.#round = this.#announceRound()
        .catch(() => { if (this.#running) this.#schedule(this.#retryMs); })
        .finally(() => { this.#round = null; });
    }, delayMs);
    this.#timer.unref();
  }

  async #announceRound(): Promise<void> {
    if (!this.#running) return;
    const abort = new AbortController();
    this.#abort = abort;
    const sendingCompleted = this.#completedPending;
    for (const { url } of this.#tiers.order()) {
      const t = this.#trackers.get(url);
      if (t === undefined || t.client === null) continue;
      if (!this.#running) return;
      const event: AnnounceEvent = !t.started ? 'started' : sendingCompleted ? 'completed' : 'none';
      t.summary.status = 'announcing';
      this.emit('update');
      try {
        const r = await this.#announceOne(t, event, abort.signal);
        if (!this.#running) return;
        this.#onSuccess(t, r, event);
        if (sendingCompleted && (event === 'completed' || event === 'started')) {
          this.#completedPending = false;
          this.#completedSent = true;
        }
        this.#retryMs = this.#retryBaseMs;
        const intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(r.interval * 1000, t.minIntervalMs, this.#floorMs));
        // `completed` while we were announcing: send it as soon as min interval allows.
        this.#schedule(this.#completedPending ? t.minIntervalMs : intervalMs);
        return;
      } catch (e) {
        if (!this.#running) return;
        const msg = e instanceof Error ? e.message : String(e);
        t.summary.status = 'error';
        t.summary.lastError = msg;
        this.emit('warning', `tracker ${url}: ${msg}`);
        this.emit('update');
      }
    }
    if (!this.#running) return;
    // Every tracker failed: retry with back-off.
    this.#schedule(this.#retryMs);
    this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs * 2);
  }

  #announceOne(t: TrackerState, event: AnnounceEvent, signal: AbortSignal): Promise<AnnounceResponse> {
    const s = this.#stats();
    if (t.client === null) return Promise.reject(new TesseraError('TRACKER_PROTOCOL', 'no client'));
    return t.client.announce({
      infoHash: this.#init.infoHash,
      peerId: this.#init.peerId,
      port: this.#init.port,
      uploaded: Math.max(0, Math.floor(s.uploaded)),
      downloaded: Math.max(0, Math.floor(s.downloaded)),
      left: Math.max(0, Math.floor(s.left)),
      event,
      numWant: event === 'stopped' ? 0 : this.#numWant,
      key: this.#key,
      ...(t.trackerId === undefined ? {} : { trackerId: t.trackerId }),
    }, signal);
  }

  #onSuccess(t: TrackerState, r: AnnounceResponse, event: AnnounceEvent): void {
    if (event === 'started' || event === 'completed' || event === 'none') t.started = true;
    t.lastAnnounceAt = Date.now();
    t.minIntervalMs = Math.min(MAX_INTERVAL_MS, (r.minInterval ?? 0) * 1000);
    if (r.trackerId !== undefined) t.trackerId = r.trackerId;
    const s = t.summary;
    s.status = 'working';
    delete s.lastError;
    if (r.warning !== undefined) {
      s.lastWarning = r.warning;
      this.emit('warning', `tracker ${t.url}: ${r.warning}`);
    } else {
      delete s.lastWarning;
    }
    if (r.complete !== undefined) s.seeders = r.complete;
    if (r.incomplete !== undefined) s.leechers = r.incomplete;
    if (r.downloaded !== undefined) s.downloaded = r.downloaded;
    s.peersReceived += r.peers.length;
    this.#tiers.promote(t.url);
    this.#scrapes.plan();
    this.emit('update');
    if (r.peers.length > 0) this.emit('peers', r.peers);
  }

  async #sendStopped(): Promise<void> {
    const have = [...this.#trackers.values()].filter((t) => t.started && t.client !== null);
    const signal = AbortSignal.timeout(this.#stopTimeoutMs);
    await Promise.all(have.map(async (t) => {
      try {
        await this.#announceOne(t, 'stopped', signal);
      } catch {
        // Best effort: the tracker drops us after its timeout anyway.
      }
      t.started = false;
    }));
    for (const t of this.#trackers.values()) {
      if (t.summary.status !== 'error') t.summary.status = 'idle';
      t.summary.nextAnnounce = 0;
      // Free sockets while stopped; a later start() opens new ones.
      t.client?.close();
    }
    this.emit('update');
  }

  /** Release sockets for good (after stop()). */
  close(): void {
    this.#running = false;
    this.#clearTimer();
    this.#scrapes.clear();
    for (const t of this.#trackers.values()) t.client?.close();
  }
}
