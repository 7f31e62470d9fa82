// The engine's public face: many torrents, one listen port, shared limits, persistence.
// The app (engine-host), the CLI and headless mode all drive exactly this class. It owns the
// torrents' lifecycle and the shared resources; incoming connections are routed by
// session-incoming.ts, files and resume data by session-store.ts, magnets by session-magnet.ts,
// the DHT by session-dht.ts; its settings, options and events are declared in session-types.ts.
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type net from 'node:net';
import type { FilePriority, FilesPage, TorrentDetail, TorrentSummary } from '../../shared/snapshot.ts';
import { DEFAULT_SETTINGS, type AddTorrentOptions, type SessionEvents, type SessionOptions, type SessionSettings } from './session-types.ts';
import { TesseraError } from './errors.ts';
import { parseTorrent } from './metainfo/parse-torrent.ts';
import { fastPairs } from './hashing/native-sha1.ts';
import { HashPool } from './hashing/hash-pool.ts';
import { TokenBucket } from './rate/token-bucket.ts';
import { generatePeerId } from './peer/peer-id.ts';
import { listen, type Listener } from './transport/tcp.ts';
import { IncomingRouter } from './session-incoming.ts';
import { UtpSocket } from './transport/utp/socket.ts';
import { torrentIdentity } from './torrent-v2.ts';
import { SessionStore, type TorrentEntry } from './session-store.ts';
import { PeerLimits } from './peer-limits.ts';
import { Torrent } from './torrent.ts';
import { torrentDetail, torrentFiles, torrentSummary } from './torrent-snapshot.ts';
import { MagnetManager, magnetHooks, magnetId } from './session-magnet.ts';
import { parseMagnet } from './metainfo/magnet.ts';
import { SessionDht, type SessionDhtHooks, type SessionDhtOptions } from './session-dht.ts';

export { DEFAULT_SETTINGS, type AddTorrentOptions, type SessionEvents, type SessionOptions, type SessionSettings } from './session-types.ts';
export { MAX_INCOMING_HANDSHAKES } from './session-incoming.ts';

const RESUME_FLUSH_MS = 5_000;

export class Session extends EventEmitter<SessionEvents> {
  #settings: SessionSettings;
  #listener: Listener;
  /** uTP on the listen port's number (UDP); undefined when off or the port was taken. */
  #utp: UtpSocket | undefined;
  #listenHost: string;
  #store: SessionStore;
  #torrents = new Map<string, Torrent>();
  #bytes = new Map<string, Uint8Array>();
  #hashPool = new HashPool({ threads: 2 });
  #upBucket: TokenBucket;
  #downBucket: TokenBucket;
  #limits: PeerLimits;
  #peerId = generatePeerId();
  #tick: NodeJS.Timeout;
  #choke: NodeJS.Timeout;
  #flush: NodeJS.Timeout;
  #dirty = new Set<string>();
  #closed = false;
  readonly #incoming: IncomingRouter;
  readonly #magnets: MagnetManager;
  #dht: SessionDht | undefined;

  private constructor(settings: SessionSettings, listener: Listener, listenHost: string, store: SessionStore) {
    super();
    this.#settings = settings;
    this.#listener = listener;
    this.#listenHost = listenHost;
    this.#store = store;
    this.#upBucket = new TokenBucket({ rate: settings.maxUploadRate });
    this.#downBucket = new TokenBucket({ rate: settings.maxDownloadRate });
    this.#limits = new PeerLimits(settings.maxConnections);
    this.#magnets = new MagnetManager(store.dir, magnetHooks(this, {
      peerId: this.#peerId, limits: this.#limits, listenPort: () => this.port,
      encryption: () => this.#settings.encryption, utp: () => (this.#settings.utp ? this.#utp : undefined),
    }));
    this.#incoming = new IncomingRouter({
      refuse: () => this.#closed || this.#limits.available() === 0, policy: () => this.#settings.encryption,
      torrents: () => this.#torrents, fetcher: (id) => this.#magnets.fetcher(id),
    });
    const now = (): number => Date.now();
    this.#tick = setInterval(() => { for (const t of this.#torrents.values()) t.tick(now()); this.#magnets.tick(now()); }, 1000);
    this.#choke = setInterval(() => { for (const t of this.#torrents.values()) t.chokerTick(now()); }, 10_000);
    this.#flush = setInterval(() => void this.#flushResume(), RESUME_FLUSH_MS);
    this.#tick.unref();
    this.#choke.unref();
    this.#flush.unref();
  }

  /** Open the state folder, start listening, and restore every saved torrent. */
  static async open(opts: SessionOptions): Promise<Session> {
    const settings: SessionSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
    await mkdir(opts.stateDir, { recursive: true });
    const store = new SessionStore(opts.stateDir);
    let session: Session | undefined;
    const onConnection = (socket: net.Socket): void => { if (session === undefined) socket.destroy(); else session.#incoming.accept(socket); };
    // Default: '::' is one dual-stack socket (IPV6_V6ONLY off, Node's default), so IPv4 peers arrive
    // as ::ffff:a.b.c.d; where the host has no IPv6 stack, fall back to IPv4 only.
    let host = opts.listenHost ?? '::';
    let listener: Listener;
    try {
      listener = await listen({ host, port: settings.listenPort, onConnection });
    } catch (e) {
      if (opts.listenHost !== undefined) throw e;
      host = '0.0.0.0';
      listener = await listen({ host, port: settings.listenPort, onConnection });
    }
    session = new Session(settings, listener, host, store);
    await session.#bindUtp();
    for (const entry of await store.loadList()) {
      try {
        const bytes = await store.loadTorrentFile(entry.id);
        await session.#add(bytes, entry, false);
      } catch (e) {
        session.emit('torrent:error', entry.id, `could not restore: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    await session.#magnets.load();
    if (opts.dht !== undefined) session.#dht = await SessionDht.start(opts.stateDir, host, opts.dht, session.#dhtHooks());
    return session;
  }

  /** The session's DHT node (undefined when the DHT is off). */
  get dht(): SessionDht | undefined {
    return this.#dht;
  }

  #dhtChange: Promise<void> = Promise.resolve();
  /** Turn the DHT on with these options (restarting it if it runs), or off with null. Calls are
   *  serialised so a quick on/off/on from the Settings dialog never leaves two nodes bound. */
  setDht(o: SessionDhtOptions | null): Promise<void> {
    const run = this.#dhtChange.then(async () => {
      const old = this.#dht;
      this.#dht = undefined;
      await old?.close().catch(() => undefined);
      if (o === null || this.#closed) return;
      const next = await SessionDht.start(this.#store.dir, this.#listenHost, o, this.#dhtHooks());
      if (this.#closed) await next.close().catch(() => undefined);
      else this.#dht = next;
    });
    this.#dhtChange = run.catch(() => undefined);
    return run;
  }

  #dhtHooks(): SessionDhtHooks {
    return {
      targets: () => [...this.#torrents.values()]
        .filter((t) => !t.paused && !t.meta.private && (t.status === 'downloading' || t.status === 'seeding'))
        .map((t) => ({ id: t.id, infoHash: t.infoHash, peers: t.peers.size }))
        .concat(this.#magnets.active()),
      peer: (id, host, port) => { const t = this.#torrents.get(id); if (t !== undefined) t.addPeer(host, port, 'dht'); else this.#magnets.addPeer(id, host, port, 'dht'); },
      listenPort: () => this.port,
      warning: (m) => this.emit('torrent:warning', '', m),
    };
  }

  get port(): number {
    return this.#listener.port;
  }

  get listenHost(): string {
    return this.#listenHost;
  }

  settings(): SessionSettings {
    return { ...this.#settings };
  }

  async updateSettings(p: Partial<SessionSettings>): Promise<void> {
    const next = { ...this.#settings, ...p };
    if (p.listenPort !== undefined && p.listenPort !== this.#settings.listenPort) {
      const old = this.#listener;
      this.#listener = await listen({ host: this.#listenHost, port: p.listenPort, onConnection: (s) => this.#incoming.accept(s) });
      await old.close();
    }
    const rebind = next.utp !== this.#settings.utp || this.#utp?.port !== this.#listener.port;
    this.#settings = next;
    if (rebind) await this.#bindUtp();
    this.#upBucket.setRate(next.maxUploadRate);
    this.#downBucket.setRate(next.maxDownloadRate);
    this.#limits.setMax(next.maxConnections);
    for (const t of this.#torrents.values()) {
      t.maxConnections = next.maxConnectionsPerTorrent;
      t.seedRatioLimit = next.seedRatioLimit;
      t.seedTimeLimit = next.seedTimeLimit;
    }
  }

  async addTorrent(bytes: Uint8Array, opts: AddTorrentOptions = {}): Promise<TorrentSummary> {
    const meta = parseTorrent(bytes, { pairs: fastPairs });
    const id = torrentIdentity(meta).id; // v1 info-hash, or the truncated v2 one for v2-only torrents
    const existing = this.#torrents.get(id);
    if (existing !== undefined) {
      for (const p of opts.peers ?? []) existing.addPeer(p.host, p.port, 'manual');
      return torrentSummary(existing);
    }
    const entry: TorrentEntry = {
      id,
      savePath: resolve(opts.savePath ?? this.#settings.downloadDir),
      paused: opts.paused ?? this.#settings.startPaused,
      filePriorities: opts.filePriorities ?? meta.files.map(() => 'normal'),
      addedAt: opts.fromMagnet?.addedAt ?? Date.now(),
    };
    await this.#store.saveTorrentFile(id, bytes);
    const t = await this.#add(bytes, entry, true, opts.fromMagnet !== undefined ? 'torrent:metadata' : 'torrent:added');
    await this.#store.saveList(this.#entries());
    for (const p of opts.peers ?? []) t.addPeer(p.host, p.port, 'manual');
    return torrentSummary(t);
  }

  /** Add a magnet link: status 'metadata' until the info dict arrives, then a normal torrent (BEP 9). */
  async addMagnet(uri: string, opts: AddTorrentOptions = {}): Promise<TorrentSummary> {
    const magnet = parseMagnet(uri);
    const id = magnetId(magnet);
    const t = this.#torrents.get(id);
    if (t !== undefined) {
      for (const p of opts.peers ?? []) t.addPeer(p.host, p.port, 'manual');
      return torrentSummary(t);
    }
    const s = await this.#magnets.add(uri, magnet, {
      savePath: resolve(opts.savePath ?? this.#settings.downloadDir), paused: opts.paused ?? this.#settings.startPaused, peers: opts.peers ?? [],
    });
    this.emit('torrent:added', s);
    return s;
  }

  async #add(bytes: Uint8Array, entry: TorrentEntry, fresh: boolean, event: 'torrent:added' | 'torrent:metadata' = 'torrent:added'): Promise<Torrent> {
    const meta = parseTorrent(bytes, { pairs: fastPairs });
    const resume = fresh ? undefined : await this.#store.loadResume(entry.id, meta, entry.savePath);
    const t = new Torrent(meta, {
      peerId: this.#peerId, hashPool: this.#hashPool, upBucket: this.#upBucket, downBucket: this.#downBucket,
      limits: this.#limits, listenPort: () => this.port, encryption: () => this.#settings.encryption,
      utp: () => (this.#settings.utp ? this.#utp : undefined),
    }, {
      savePath: entry.savePath, paused: resume?.paused ?? entry.paused, filePriorities: resume?.filePriorities ?? entry.filePriorities,
      addedAt: entry.addedAt, partFile: this.#store.partFile(entry.id), maxConnections: this.#settings.maxConnectionsPerTorrent,
      seedRatioLimit: this.#settings.seedRatioLimit, seedTimeLimit: this.#settings.seedTimeLimit,
      ...(entry.trackers !== undefined ? { trackers: entry.trackers } : {}),
      ...(resume !== undefined ? { have: resume.have, recheck: resume.recheck, uploaded: resume.uploaded, downloaded: resume.downloaded } : {}),
    });
    this.#torrents.set(entry.id, t);
    this.#bytes.set(entry.id, bytes);
    t.on('dirty', () => this.#dirty.add(t.id));
    t.on('verified', (piece) => { void this.#store.journal(t.id, piece); });
    t.on('completed', () => {
      this.#dirty.add(t.id);
      void this.#flushResume();
      this.emit('torrent:completed', torrentSummary(t));
    });
    t.on('error', (m) => this.emit('torrent:error', t.id, m));
    t.on('warning', (m) => this.emit('torrent:warning', t.id, m));
    this.emit(event, torrentSummary(t));
    t.start().then(() => { this.#dirty.add(t.id); }, (e: unknown) => {
      t.error = e instanceof Error ? e.message : String(e);
      t.status = 'error';
      this.emit('torrent:error', t.id, t.error);
    });
    return t;
  }

  #get(id: string): Torrent {
    const t = this.#torrents.get(id);
    if (t === undefined) throw new TesseraError('NOT_FOUND', `no torrent ${id}`);
    return t;
  }

  pause(id: string): void {
    if (this.#magnets.has(id)) return this.#magnets.pause(id);
    this.#get(id).pause();
    void this.#saveListSoon();
  }

  resume(id: string): void {
    if (this.#magnets.has(id)) return this.#magnets.resume(id);
    this.#get(id).resume();
    void this.#saveListSoon();
  }

  async remove(id: string, opts: { deleteData: boolean }): Promise<void> {
    if (this.#magnets.has(id)) { await this.#magnets.remove(id); this.emit('torrent:removed', id); return; }
    const t = this.#get(id);
    this.#torrents.delete(id);
    this.#bytes.delete(id);
    this.#dirty.delete(id);
    await t.stop();
    if (opts.deleteData) await t.deleteData();
    await this.#store.saveList(this.#entries());
    await this.#store.forget(id);
    this.emit('torrent:removed', id);
  }

  setFilePriorities(id: string, priorities: Array<{ index: number; priority: FilePriority }>): void {
    this.#get(id).setFilePriorities(priorities);
  }

  /** Adds a tracker to a torrent (last in `tier`, or a new last tier) and saves the list. */
  async addTracker(id: string, url: string, tier?: number): Promise<void> {
    if (this.#magnets.has(id)) throw new TesseraError('BAD_ARGUMENT', 'trackers can be changed once the torrent\'s metadata has arrived');
    this.#get(id).announcer.addTracker(url, tier);
    await this.#store.saveList(this.#entries());
  }

  /** Removes a tracker from a torrent (told `stopped` if it had us) and saves the list. */
  async removeTracker(id: string, url: string): Promise<void> {
    if (this.#magnets.has(id)) throw new TesseraError('BAD_ARGUMENT', 'trackers can be changed once the torrent\'s metadata has arrived');
    this.#get(id).announcer.removeTracker(url);
    await this.#store.saveList(this.#entries());
  }

  async recheck(id: string): Promise<void> {
    await this.#get(id).recheck();
    this.#dirty.add(id);
  }

  addPeer(id: string, host: string, port: number): void {
    this.#get(id).addPeer(host, port, 'manual');
  }

  summaries(): TorrentSummary[] {
    return [...this.#torrents.values()].map(torrentSummary).concat(this.#magnets.summaries());
  }

  detail(id: string): TorrentDetail | undefined {
    const t = this.#torrents.get(id);
    return t === undefined ? undefined : torrentDetail(t);
  }

  /** A page of the torrent's file list (padding files left out); undefined for an unknown id. */
  files(id: string, from: number, count: number): FilesPage | undefined {
    const t = this.#torrents.get(id);
    return t === undefined ? undefined : torrentFiles(t, from, count);
  }

  torrentFile(id: string): Uint8Array | undefined {
    return this.#bytes.get(id);
  }

  /** Internal access for the CLI's progress display and tests (counts of pieces, bans). */
  torrent(id: string): Torrent | undefined {
    return this.#torrents.get(id);
  }

  /** Announce stopped, flush resume data, close every socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#tick);
    clearInterval(this.#choke);
    clearInterval(this.#flush);
    await this.#listener.close().catch(() => undefined);
    await this.#utp?.close();
    await this.#magnets.close().catch(() => undefined);
    await this.#dhtChange;
    await this.#dht?.close().catch(() => undefined);
    const all = [...this.#torrents.values()];
    await Promise.all(all.map((t) => t.stop().catch(() => undefined)));
    for (const t of all) this.#dirty.add(t.id);
    await this.#flushResume(true);
    await this.#store.saveList(this.#entries());
    await this.#store.close();
    await this.#hashPool.close();
  }

  #entries(): TorrentEntry[] {
    return [...this.#torrents.values()].map((t) => ({
      id: t.id, savePath: t.savePath, paused: t.paused, filePriorities: t.filePriorities, addedAt: t.addedAt, trackers: t.announcer.tiers(),
    }));
  }

  async #saveListSoon(): Promise<void> {
    try { await this.#store.saveList(this.#entries()); } catch (e) {
      this.emit('torrent:warning', '', `could not save the torrent list: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  #flushing = false;
  async #flushResume(force = false): Promise<void> {
    if (this.#flushing && !force) return;
    this.#flushing = true;
    try {
      for (const id of [...this.#dirty]) {
        const t = this.#torrents.get(id);
        this.#dirty.delete(id);
        if (t === undefined || t.status === 'checking') continue;
        try {
          await this.#store.saveResume(t);
        } catch (e) {
          this.emit('torrent:warning', id, `could not save resume data: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** (Re)bind uTP to the listen port's number; a taken UDP port leaves uTP off with a warning. */
  async #bindUtp(): Promise<void> {
    const old = this.#utp;
    this.#utp = undefined;
    await old?.close();
    if (!this.#settings.utp || this.#closed) return;
    try {
      this.#utp = await UtpSocket.bind({ host: this.#listenHost, port: this.#listener.port, onConnection: (c) => this.#incoming.accept(c) });
    } catch (e) {
      this.emit('torrent:warning', '', `uTP is off: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
