// One torrent: wires its peers to the picker, storage, hash pool, choker and announcer. It holds
// the state and the lifecycle (check → download → seed → stop rule); the protocol logic per peer
// is in torrent-wire.ts, the data paths in torrent-download.ts / torrent-upload.ts, the UI
// snapshot in torrent-snapshot.ts and the connection management in torrent-peers.ts.
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import type { FilePriority, PeerSource, TorrentStatus } from '../../shared/snapshot.ts';
import { TesseraError } from './errors.ts';
import type { Metainfo } from './metainfo/types.ts';
import { toHex } from './metainfo/hex.ts';
import type { HashPool } from './hashing/hash-pool.ts';
import type { PieceMap } from './storage/piece-map.ts';
import { merkleVerifierOf, pieceMapOf, torrentIdentity } from './torrent-v2.ts';
import type { MerkleVerifier } from './pieces/merkle-verify.ts';
import { FsStore, contentRoot } from './storage/fs-store.ts';
import { PiecePicker } from './pieces/picker.ts';
import { piecePriorities, priorityFromName } from './pieces/file-priorities.ts';
import { Bitfield } from './wire/bitfield.ts';
import type { Handshake } from './wire/handshake.ts';
import type { TokenBucket } from './rate/token-bucket.ts';
import { RateMeter } from './rate/rate-meter.ts';
import type { Announcer } from './discovery/announcer.ts';
import { announcerFor } from './discovery/hybrid-announcer.ts';
import { PeerConnection } from './peer/peer-connection.ts';
import { MAX_PEER_REQUESTS, PeerState } from './peer/peer-state.ts';
import { ExtensionRegistry, type ExtensionHandler } from './peer/extensions.ts';
import { PieceAssembler } from './torrent-download.ts';
import { Uploader } from './torrent-upload.ts';
import { failAll, fillRequests, handleMessage, updateInterest, type WireContext } from './torrent-wire.ts';
import { checkPieces } from './torrent-check.ts';
import { PeerDialer, type DialHints } from './torrent-peers.ts';
import { runChoker } from './torrent-choke.ts';
import { installExtensions, type TorrentExtensions } from './torrent-extensions.ts';
import { TorrentHashes } from './torrent-hashes.ts';
import { WebSeeds } from './webseed/web-seed.ts';
import type { PeerLimits } from './peer-limits.ts';
import type { EncryptionPolicy, PeerSocket } from './transport/peer-socket.ts';
import { ownIPv6 } from './transport/addresses.ts';
import type { UtpSocket } from './transport/utp/socket.ts';

/** Largest piece we assemble in memory. */
export const MAX_PIECE_LENGTH = 64 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 30_000;
const SNUB_MS = 60_000;

export type TorrentEvents = {
  completed: [];
  error: [message: string];
  warning: [message: string];
  /** The have-bitfield or options changed: the session should persist resume data soon. */
  dirty: [];
  /** A piece was written and verified (the session journals it for crash safety). */
  verified: [piece: number];
};

export interface TorrentDeps {
  peerId: Uint8Array;
  hashPool: HashPool;
  upBucket: TokenBucket;
  downBucket: TokenBucket;
  limits: PeerLimits;
  listenPort: () => number;
  /** MSE policy for outgoing dials (the session setting); plaintext when absent. */
  encryption?: () => EncryptionPolicy;
  /** The session's uTP socket while uTP is on (dials prefer it, then TCP). */
  utp?: () => UtpSocket | undefined;
}

export interface TorrentInit {
  savePath: string;
  paused: boolean;
  filePriorities: FilePriority[];
  addedAt: number;
  /** Verified pieces trusted from resume data (bytes of the have-bitfield). */
  have?: Uint8Array;
  /** Pieces to hash again before trusting (files changed since the resume data was written). */
  recheck?: Iterable<number>;
  uploaded?: number;
  downloaded?: number;
  seedingMs?: number;
  maxConnections: number;
  seedRatioLimit: number;
  seedTimeLimit: number;
  /** Where bytes of skipped files that share a piece with wanted ones are kept (outside the download folder). */
  partFile?: string;
  /** The user's edited tracker tiers (saved with the torrent list); the torrent file's when absent. */
  trackers?: string[][];
}

export class Torrent extends EventEmitter<TorrentEvents> {
  readonly meta: Metainfo;
  /** v1 info-hash, or the v2 one truncated to 20 bytes for a v2-only torrent. */
  readonly infoHash: Uint8Array;
  readonly id: string;
  /** Every hash peers may name this torrent by (a hybrid is in the v1 and the v2 swarm). */
  readonly skeys: readonly Uint8Array[];
  readonly #merkle: MerkleVerifier | undefined;
  /** BEP 52 hash requests: piece layers a magnet's metadata lacks (torrent-hashes.ts). */
  readonly #hashes: TorrentHashes;
  readonly pieceMap: PieceMap;
  readonly savePath: string;
  readonly addedAt: number;
  readonly peers = new Map<number, PeerState>();
  filePriorities: FilePriority[];
  status: TorrentStatus = 'checking';
  error: string | undefined;
  paused: boolean;
  picker: PiecePicker;
  readonly down = new RateMeter();
  readonly up = new RateMeter();
  uploadedBase: number;
  downloadedBase: number;
  seedingMs: number;
  maxConnections: number;
  seedRatioLimit: number;
  seedTimeLimit: number;
  readonly banned = new Set<string>();
  readonly announcer: Announcer;
  readonly dialer: PeerDialer;
  /** Per-file verified bytes, kept up to date as pieces verify (cheap snapshots). */
  fileDone: Float64Array;
  #deps: TorrentDeps;
  #store: FsStore;
  #assembler: PieceAssembler;
  #uploader: Uploader;
  #nextKey = 1;
  #ctx: WireContext;
  #started = false;
  #stopped = false;
  #lastTick = Date.now();
  readonly #extensions = new ExtensionRegistry();

  constructor(meta: Metainfo, deps: TorrentDeps, init: TorrentInit) {
    super();
    const ident = torrentIdentity(meta);
    if (meta.pieceLength > MAX_PIECE_LENGTH) {
      throw new TesseraError('LIMIT_EXCEEDED', `piece length ${meta.pieceLength} is above the supported ${MAX_PIECE_LENGTH}`);
    }
    this.meta = meta;
    this.infoHash = ident.infoHash;
    this.id = ident.id;
    this.skeys = ident.skeys;
    this.#deps = deps;
    this.savePath = init.savePath;
    this.addedAt = init.addedAt;
    this.paused = init.paused;
    this.filePriorities = init.filePriorities.length === meta.files.length ? [...init.filePriorities] : meta.files.map(() => 'normal');
    this.uploadedBase = init.uploaded ?? 0;
    this.downloadedBase = init.downloaded ?? 0;
    this.seedingMs = init.seedingMs ?? 0;
    this.maxConnections = init.maxConnections;
    this.seedRatioLimit = init.seedRatioLimit;
    this.seedTimeLimit = init.seedTimeLimit;
    this.pieceMap = pieceMapOf(meta);
    this.#hashes = new TorrentHashes(meta, this.pieceMap.pieceCount);
    this.#merkle = merkleVerifierOf(meta, this.pieceMap.pieceCount, this.#hashes.layers);
    this.fileDone = new Float64Array(meta.files.length);
    this.#store = new FsStore(contentRoot(init.savePath, meta), meta.files, this.pieceMap,
      init.partFile !== undefined ? { partFile: init.partFile } : {});
    this.#store.setSkipped(this.#skippedFiles());
    this.picker = this.#newPicker(new Bitfield(this.pieceMap.pieceCount));
    this.#assembler = this.#newAssembler();
    this.#uploader = this.#newUploader();
    this.#ctx = this.#newContext();
    this.announcer = announcerFor(this.skeys, // a hybrid announces in the v1 and the v2 swarm
      { infoHash: this.infoHash, peerId: deps.peerId, port: deps.listenPort(), tiers: init.trackers ?? meta.announce },
      () => ({ uploaded: this.uploaded, downloaded: this.downloaded, left: this.picker.wantedLeftBytes() }),
    );
    this.announcer.on('peers', (list: Array<{ ip: string; port: number }>) => {
      for (const p of list) this.dialer.add(p.ip, p.port, 'tracker');
    });
    this.announcer.on('warning', (msg: string) => this.emit('warning', msg));
    this.dialer = new PeerDialer({
      canDial: () => this.#wantsPeers() && deps.limits.available() > 0,
      isBanned: (host, port) => this.banned.has(host) || this.banned.has(`${host}:${port}`),
      isConnected: (host, port) => { for (const p of this.peers.values()) if (p.conn.ip === host && p.conn.port === port) return true; return false; },
      skey: this.infoHash,
      encryption: () => deps.encryption?.() ?? 'plaintext',
      utp: () => deps.utp?.(),
      connected: (socket, source) => this.attach(socket, { source, incoming: false }),
    });
    this.#pendingInit = init;
    this.#ext = installExtensions(this);
    this.webSeeds = new WebSeeds({
      meta, infoHash: this.infoHash, picker: () => this.picker, downloading: () => this.status === 'downloading' && !this.paused && this.#hashes.ready,
      block: (piece, begin, data, key) => { this.#assembler.block(piece, begin, data, key); },
      received: (n) => { this.down.add(n); return deps.downBucket.request(n); }, warning: (m) => this.emit('warning', m),
    });
  }

  /** BEP 19 / BEP 17 web seeds: sources for the picker beside the peers (webseed/web-seed.ts). */
  readonly webSeeds: WebSeeds;

  /** ut_metadata and ut_pex for this torrent (torrent-extensions.ts). */
  readonly #ext: TorrentExtensions;

  #pendingInit: TorrentInit | undefined;
  /** Settles when the initial check is done (the CLI waits on it to report resume figures). */
  ready: Promise<void> = Promise.resolve();
  /** Pieces trusted from resume data without hashing, and pieces hashed at start. */
  resumedPieces = 0;
  recheckedPieces = 0;
  /** Pieces downloaded and verified since this Torrent object started. */
  piecesThisRun = 0;

  get uploaded(): number { return this.uploadedBase + this.up.total; }
  get downloaded(): number { return this.downloadedBase + this.down.total; }
  get store(): FsStore { return this.#store; }
  get assemblerBytes(): number { return this.#assembler.bufferedBytes; }

  #newPicker(have: Bitfield): PiecePicker {
    const p = new PiecePicker({ pieceLength: this.meta.pieceLength, totalLength: this.pieceMap.totalLength, have,
      priorities: this.#piecePrio() });
    return p;
  }

  #skippedFiles(): Set<number> {
    const s = new Set<number>();
    this.filePriorities.forEach((p, i) => { if (p === 'skip') s.add(i); });
    return s;
  }

  #piecePrio(): Uint8Array {
    return piecePriorities(this.meta.files, this.pieceMap, this.filePriorities.map(priorityFromName));
  }

  /** The assembler's BEP 52 check, for v2 and hybrid torrents. */
  #merkleCheck(): { merkle?: (piece: number, data: Uint8Array) => boolean } {
    const m = this.#merkle;
    return m !== undefined ? { merkle: (piece, data) => this.#hashes.check(m, piece, data, this) } : {};
  }

  #newAssembler(): PieceAssembler {
    return new PieceAssembler({
      picker: this.picker, store: this.#store, pieceHashes: this.meta.pieces, ...this.#merkleCheck(),
      sink: { verified: (p) => this.#onVerified(p), failed: (p, who) => this.#onFailed(p, who), error: (e) => this.#onStorageError(e) },
    });
  }

  #newUploader(): Uploader {
    const u = new Uploader(this.#store, this.#deps.upBucket, (p) => this.picker.hasPiece(p), (peer, n) => {
      peer.uploaded += n;
      peer.up.add(n);
      this.up.add(n);
    });
    u.onError = (e) => this.emit('warning', `read failed: ${e instanceof Error ? e.message : String(e)}`);
    return u;
  }

  #newContext(): WireContext {
    const self = this; // eslint-disable-line @typescript-eslint/no-this-alias
    return {
      get picker() { return self.picker; },
      get assembler() { return self.#assembler; },
      get uploader() { return self.#uploader; },
      downBucket: this.#deps.downBucket,
      peers: this.peers,
      // A v2 magnet requests no piece until its piece layers are in (torrent-hashes.ts).
      downloading: () => this.status === 'downloading' && this.#hashes.ready,
      interestChanged: (peer) => { if (peer.peerInterested && peer.amChoking) this.chokerTick(Date.now(), false); },
      misbehaved: (peer, why) => this.#drop(peer, `protocol: ${why}`),
      bytesDownloaded: (_peer, n) => this.down.add(n),
      extended: (peer, id, payload) => this.#extensions.receive(peer, id, payload),
    };
  }

  /** Check trusted/changed pieces, then start announcing and connecting unless paused. */
  start(): Promise<void> {
    if (this.#started) return this.ready;
    this.#started = true;
    this.ready = this.#start();
    return this.ready;
  }

  async #start(): Promise<void> {
    const init = this.#pendingInit;
    this.#pendingInit = undefined;
    await this.#check(init?.have, init?.recheck);
    if (this.#stopped) return;
    this.#settle();
    if (!this.paused) this.#activate();
  }

  /** Build the have-bitfield: trust `have` except `recheck`; with no resume data, hash what exists. */
  async #check(have: Uint8Array | undefined, recheck: Iterable<number> | undefined): Promise<void> {
    this.status = 'checking';
    const n = this.pieceMap.pieceCount;
    const bf = have !== undefined && have.length === Math.ceil(n / 8) ? new Bitfield(n, Uint8Array.from(have)) : new Bitfield(n);
    let toCheck: number[];
    if (have === undefined) {
      toCheck = [];
      for (let i = 0; i < n; i++) toCheck.push(i);
    } else {
      toCheck = [...(recheck ?? [])].filter((i) => i >= 0 && i < n);
      for (const i of toCheck) if (bf.get(i)) bf.clear(i);
      this.resumedPieces = bf.count();
    }
    const merkle = this.#merkle;
    const { good, hashed } = await checkPieces(this.#store, this.#deps.hashPool, this.meta.pieces, this.pieceMap,
      this.meta.files.map((f) => f.length), toCheck, () => this.#stopped, merkle !== undefined ? (p, d) => this.#hashes.check(merkle, p, d, this) : undefined);
    this.recheckedPieces = hashed;
    for (const i of good) bf.set(i);
    this.picker = this.#newPicker(bf);
    this.#assembler.close();
    this.#assembler = this.#newAssembler();
    this.fileDone.fill(0);
    for (const i of bf.setBits()) this.#countFileDone(i);
    this.emit('dirty');
  }

  /** Status after a check or a priority change: downloading, seeding or completed. */
  #settle(): void {
    if (this.error !== undefined) { this.status = 'error'; return; }
    if (this.paused) { this.status = 'paused'; return; }
    this.status = this.picker.wantedLeft() === 0 ? (this.#stopRuleReached() ? 'completed' : 'seeding') : 'downloading';
  }

  #activate(): void {
    if (this.status === 'completed') return;
    this.announcer.start();
    this.dialer.pump();
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const p of [...this.peers.values()]) this.#drop(p, 'paused');
    void this.announcer.stop();
    if (this.status !== 'checking') this.status = 'paused';
    this.emit('dirty');
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.error !== undefined) this.error = undefined;
    if (this.status === 'checking') { this.emit('dirty'); return; }
    this.#settle();
    if (this.status === 'completed') this.seedingMs = 0; // a manual resume restarts the seed clock
    this.#settle();
    this.#activate();
    this.emit('dirty');
  }

  async recheck(): Promise<void> {
    for (const p of [...this.peers.values()]) this.#drop(p, 'recheck');
    this.#uploader.invalidate();
    await this.#check(undefined, undefined);
    this.#settle();
    if (!this.paused) this.#activate();
  }

  setFilePriorities(changes: Array<{ index: number; priority: FilePriority }>): void {
    for (const c of changes) if (c.index >= 0 && c.index < this.filePriorities.length) this.filePriorities[c.index] = c.priority;
    this.#store.setSkipped(this.#skippedFiles());
    this.picker.setPriorities(this.#piecePrio());
    const wasDone = this.status === 'seeding' || this.status === 'completed';
    if (this.status !== 'checking') this.#settle();
    if (wasDone && this.status === 'downloading') this.#activate();
    for (const p of this.peers.values()) updateInterest(this.#ctx, p, Date.now());
    this.emit('dirty');
  }

  // ---- peers -----------------------------------------------------------------------------------

  addPeer(host: string, port: number, source: PeerSource = 'manual', hints: DialHints = {}): void {
    this.dialer.add(host, port, source, hints);
  }

  /** An incoming connection whose handshake named this torrent (read by the session). */
  acceptIncoming(socket: PeerSocket, handshake: Handshake, leftover: Uint8Array): void {
    const ip = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (this.paused || this.status === 'checking' || this.status === 'completed' || this.status === 'error' || this.peers.size >= this.maxConnections ||
        this.banned.has(toHex(handshake.peerId)) || this.banned.has(ip) || this.banned.has(`${ip}:${socket.remotePort ?? 0}`) || !this.#deps.limits.acquire()) {
      socket.destroy();
      return;
    }
    this.attach(socket, { source: 'incoming', incoming: true, handshake, leftover, acquired: true });
  }

  attach(socket: PeerSocket, o: { source: PeerSource; incoming: boolean; handshake?: Handshake; leftover?: Uint8Array; acquired?: boolean }): void {
    if (o.acquired !== true && !this.#deps.limits.acquire()) { socket.destroy(); return; }
    const now = Date.now();
    const conn = new PeerConnection(socket, {
      // An incoming peer of a hybrid may be in either swarm: answer with the hash it used.
      infoHash: o.handshake?.infoHash ?? this.infoHash, peerId: this.#deps.peerId, pieceCount: this.pieceMap.pieceCount, incoming: o.incoming, now,
      ...(o.handshake !== undefined ? { remoteHandshake: o.handshake } : {}),
      ...(o.leftover !== undefined ? { leftover: o.leftover } : {}),
    });
    const peer = new PeerState(this.#nextKey++, conn, this.pieceMap.pieceCount, o.source, now);
    let registered = false;
    conn.on('handshake', (h) => {
      if (toHex(h.peerId) === toHex(this.#deps.peerId)) return conn.close('connected to ourselves');
      if (this.banned.has(toHex(h.peerId))) return conn.close('banned');
      peer.setPeerId(h.peerId);
      peer.fast = h.fast;
      this.peers.set(peer.key, peer);
      this.picker.availability.addPeer(peer.has);
      registered = true;
      this.#sendHave(peer);
      if (h.extended) this.#sendExtHandshake(peer);
    });
    conn.on('message', (m) => {
      if (!registered) return;
      try {
        if (this.#hashes.handles(m)) this.#hashes.onMessage(this, peer, m, Date.now());
        else handleMessage(this.#ctx, peer, m, Date.now());
      } catch (e) {
        this.#drop(peer, e instanceof Error ? e.message : String(e));
      }
    });
    conn.on('drain', () => this.#uploader.serve(peer));
    conn.on('batch', () => { if (registered && this.status === 'downloading') fillRequests(this.#ctx, peer, Date.now()); });
    conn.on('close', () => {
      this.#deps.limits.release();
      if (registered) {
        registered = false;
        failAll(this.#ctx, peer);
        this.#hashes.peerGone(peer);
        this.picker.onPeerGone(peer.key);
        this.picker.availability.removePeer(peer.has);
        this.peers.delete(peer.key);
        this.dialer.disconnected(conn.ip, conn.port);
        if (!peer.amChoking) this.chokerTick(Date.now(), false);
      }
      this.dialer.pump();
    });
    conn.start();
  }

  #sendHave(peer: PeerState): void {
    const have = this.picker.haveBitfield();
    if (peer.fast && have.isFull()) peer.conn.send({ type: 'have-all' });
    else if (peer.fast && have.isEmpty()) peer.conn.send({ type: 'have-none' });
    else if (!have.isEmpty()) peer.conn.send({ type: 'bitfield', bytes: have.toWire() });
  }

  /**
   * Plug in a BEP 10 extension (ut_metadata, ut_pex, …) for this torrent. Peers connected from now
   * on see it in our handshake; connected ones get the handshake again (BEP 10 allows updates).
   * Send with sendExtended(peer, name, payload) from peer/extensions.ts.
   */
  registerExtension(name: string, handler: ExtensionHandler, preferredId?: number): number {
    const id = this.#extensions.registerExtension(name, handler, preferredId);
    for (const p of this.peers.values()) if (p.conn.remote?.extended === true) this.#sendExtHandshake(p);
    return id;
  }

  #sendExtHandshake(peer: PeerState): void {
    const payload = this.#extensions.handshake({ port: this.#deps.listenPort(), reqq: MAX_PEER_REQUESTS, yourIp: peer.conn.ip, ...ownIPv6(peer.conn.socket) });
    peer.conn.send({ type: 'extended', id: 0, payload });
  }

  #drop(peer: PeerState, why: string): void {
    peer.conn.close(why);
  }

  #wantsPeers(): boolean {
    return !this.paused && !this.#stopped && (this.status === 'downloading' || this.status === 'seeding') && this.peers.size < this.maxConnections;
  }

  // ---- pieces ----------------------------------------------------------------------------------

  #onVerified(piece: number): void {
    this.#countFileDone(piece);
    this.piecesThisRun++;
    this.emit('verified', piece);
    const now = Date.now();
    for (const p of this.peers.values()) {
      if (!p.has.get(piece)) p.conn.send({ type: 'have', index: piece });
      // A piece left the write backlog: peers held back by it may ask for more.
      if (this.status === 'downloading') fillRequests(this.#ctx, p, now);
    }
    this.emit('dirty');
    if (this.status === 'downloading' && this.picker.wantedLeft() === 0) this.#completed();
  }

  #countFileDone(piece: number): void {
    for (const s of this.pieceMap.spans(piece)) if (!s.padding) this.fileDone[s.fileIndex] = (this.fileDone[s.fileIndex] ?? 0) + s.length;
  }

  #onFailed(piece: number, contributors: number[]): void {
    this.emit('warning', `piece ${piece} failed its hash check`);
    this.webSeeds.failed(contributors);
    for (const key of contributors) {
      const peer = this.peers.get(key);
      if (peer === undefined) continue;
      peer.badPieces++;
      if (contributors.length === 1) peer.soleBadPieces++;
      if (peer.badPieces >= 3 || peer.soleBadPieces >= 2) this.ban(peer, `sent ${peer.badPieces} corrupt pieces`);
    }
  }

  /**
   * Ban by IP, by address and by peer id. Loopback addresses are banned per port only: every
   * test peer (and every local client) shares 127.0.0.1, and one liar must not ban them all.
   */
  ban(peer: PeerState, why: string): void {
    this.banned.add(`${peer.conn.ip}:${peer.conn.port}`);
    if (!/^(127\.|::1$)/.test(peer.conn.ip)) this.banned.add(peer.conn.ip);
    if (peer.conn.remote !== undefined) this.banned.add(toHex(peer.conn.remote.peerId));
    this.emit('warning', `banned ${peer.id}: ${why}`);
    this.#drop(peer, `banned: ${why}`);
  }

  #onStorageError(e: unknown): void {
    this.error = e instanceof Error ? e.message : String(e);
    this.status = 'error';
    for (const p of [...this.peers.values()]) this.#drop(p, 'storage error');
    this.emit('error', this.error);
  }

  #completed(): void {
    this.status = 'seeding';
    this.announcer.completed();
    for (const p of [...this.peers.values()]) {
      if (p.isSeed) this.#drop(p, 'both complete');
      else updateInterest(this.#ctx, p, Date.now());
    }
    this.emit('dirty');
    this.emit('completed');
  }

  #stopRuleReached(): boolean {
    const ratio = this.downloaded > 0 ? this.uploaded / this.downloaded : 0;
    if (this.seedRatioLimit > 0 && this.downloaded > 0 && ratio >= this.seedRatioLimit) return true;
    if (this.seedTimeLimit > 0 && this.seedingMs >= this.seedTimeLimit * 1000) return true;
    return false;
  }

  // ---- timers (driven by the session) ----------------------------------------------------------

  /** About once a second: keep-alives, request timeouts, snubbing, dialing, the seed stop rule. */
  tick(now: number): void {
    const dt = now - this.#lastTick;
    this.#lastTick = now;
    for (const peer of [...this.peers.values()]) {
      peer.conn.tick(now);
      if (peer.requested.size > 0) {
        if (now - peer.lastBlockAt > SNUB_MS) peer.snubbed = true;
        for (const [k, r] of peer.requested) {
          if (now - r.at > REQUEST_TIMEOUT_MS && now - peer.lastBlockAt > REQUEST_TIMEOUT_MS) {
            peer.requested.delete(k);
            this.picker.onRequestFailed(r.piece, r.begin, peer.key);
          }
        }
      }
      if (this.status === 'downloading') {
        if (!peer.amInterested || peer.requested.size === 0) updateInterest(this.#ctx, peer, now);
        fillRequests(this.#ctx, peer, now);
      } else if (peer.amInterested) updateInterest(this.#ctx, peer, now);
    }
    this.#ext.tick(now);
    this.#hashes.tick(this, now);
    this.webSeeds.tick(now);
    if (this.status === 'seeding') {
      this.seedingMs += Math.max(0, Math.min(dt, 5000));
      if (this.#stopRuleReached()) {
        this.status = 'completed';
        for (const p of [...this.peers.values()]) this.#drop(p, 'seeding finished');
        void this.announcer.stop();
        this.emit('dirty');
      }
    }
    this.dialer.pump();
  }

  /** Every 10 s (and when interest changes): who gets an upload slot. */
  chokerTick(now: number, rotate = true): void {
    runChoker(this.peers, this.status === 'seeding', now, rotate, (peer, unchoke) => {
      peer.amChoking = !unchoke;
      if (unchoke) peer.unchokedAt = now;
      peer.conn.send({ type: unchoke ? 'unchoke' : 'choke' });
      if (unchoke) this.#uploader.serve(peer);
      else if (!peer.fast) peer.queue.length = 0;
      else { for (const r of peer.queue) peer.conn.send({ type: 'reject', ...r }); peer.queue.length = 0; }
    });
  }

  /** Announce stopped, close every peer, flush nothing here (the session writes resume data). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.dialer.close();
    this.webSeeds.close();
    for (const p of [...this.peers.values()]) this.#drop(p, 'stopping');
    this.#assembler.close();
    this.#uploader.close();
    await this.announcer.stop().catch(() => undefined);
    await this.#store.close();
  }

  async deleteData(): Promise<void> {
    await this.#store.deleteAll();
  }

  haveBitfield(): Bitfield {
    return this.picker.haveBitfield();
  }

  /** BEP 52 piece layers learned from peers or data this run, by pieces root hex (persisted by the session store). */
  learnedLayers(): Map<string, Uint8Array> {
    return this.#hashes.learned();
  }
}
