// One torrent: wires its peers to the picker, storage, hash pool, choker and announcer. It holds
// the state and the lifecycle (check → download → seed → stop rule); the protocol logic per peer
// is in torrent-wire.ts, each connection from socket to close (and bans) in torrent-connections.ts,
// the data paths in torrent-download.ts / torrent-upload.ts, the UI snapshot in torrent-snapshot.ts
// and the addresses we dial in torrent-peers.ts.
import { EventEmitter } from 'node:events';
import type { FilePriority, PeerSource, TorrentStatus } from '../../shared/snapshot.ts';
import { TesseraError } from './errors.ts';
import type { Metainfo } from './metainfo/types.ts';
import type { PieceMap } from './storage/piece-map.ts';
import { merkleVerifierOf, pieceMapOf, torrentIdentity } from './torrent-v2.ts';
import type { MerkleVerifier } from './pieces/merkle-verify.ts';
import { FsStore, contentRoot } from './storage/fs-store.ts';
import { PiecePicker } from './pieces/picker.ts';
import { piecePriorities, priorityFromName, skippedFiles } from './pieces/file-priorities.ts';
import { Bitfield } from './wire/bitfield.ts';
import type { Handshake } from './wire/handshake.ts';
import { RateMeter } from './rate/rate-meter.ts';
import type { Announcer } from './discovery/announcer.ts';
import { announcerFor } from './discovery/hybrid-announcer.ts';
import type { PeerState } from './peer/peer-state.ts';
import type { ExtensionHandler } from './peer/extensions.ts';
import { PieceAssembler } from './torrent-download.ts';
import { Uploader } from './torrent-upload.ts';
import { tickPeer, updateInterest, type WireContext } from './torrent-wire.ts';
import { checkPieces, checkPlan, type MerkleCheck } from './torrent-check.ts';
import { TorrentConnections } from './torrent-connections.ts';
import type { DialHints, PeerDialer } from './torrent-peers.ts';
import { applyChoke, runChoker } from './torrent-choke.ts';
import { installExtensions, type TorrentExtensions } from './torrent-extensions.ts';
import { TorrentHashes } from './torrent-hashes.ts';
import { seedClockStep, seedLimitReached } from './seed-limits.ts';
import { WebSeeds } from './webseed/web-seed.ts';
import type { PeerSocket } from './transport/peer-socket.ts';
import type { TorrentDeps, TorrentEvents, TorrentInit } from './torrent-types.ts';

/** Largest piece we assemble in memory. */
export const MAX_PIECE_LENGTH = 64 * 1024 * 1024;

export type { TorrentDeps, TorrentEvents, TorrentInit } from './torrent-types.ts';

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
  #ctx: WireContext;
  readonly #conns: TorrentConnections;
  #started = false;
  #stopped = false;
  #lastTick = Date.now();

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
    this.#store.setSkipped(skippedFiles(this.filePriorities));
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
    this.#conns = new TorrentConnections(this, { peerId: deps.peerId, limits: deps.limits, listenPort: deps.listenPort,
      hashes: this.#hashes, wire: this.#ctx, uploader: this.#uploader, wantsPeers: () => this.#wantsPeers(),
      encryption: () => deps.encryption?.() ?? 'plaintext', utp: () => deps.utp?.() });
    this.dialer = this.#conns.dialer;
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
    return new PiecePicker({ pieceLength: this.meta.pieceLength, totalLength: this.pieceMap.totalLength, have, priorities: this.#piecePrio() });
  }

  #piecePrio(): Uint8Array {
    return piecePriorities(this.meta.files, this.pieceMap, this.filePriorities.map(priorityFromName));
  }

  /** The BEP 52 check of a piece, from its bytes (downloads) or its leaf hashes (rechecks in the hash workers). */
  #merkleCheck(): MerkleCheck | undefined {
    const m = this.#merkle;
    return m !== undefined ? { data: (p, d) => this.#hashes.check(m, p, d, this), leaves: (p, l) => this.#hashes.checkLeaves(m, p, l, this) } : undefined;
  }

  #newAssembler(): PieceAssembler {
    const merkle = this.#merkleCheck()?.data;
    return new PieceAssembler({
      picker: this.picker, store: this.#store, pieceHashes: this.meta.pieces, ...(merkle !== undefined ? { merkle } : {}),
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
      interestChanged: (peer) => { if (peer.peerInterested && peer.amChoking) this.chokerTick(Date.now()); },
      misbehaved: (peer, why) => peer.conn.close(`protocol: ${why}`),
      bytesDownloaded: (_peer, n) => this.down.add(n),
      extended: (peer, id, payload) => this.#conns.receiveExtended(peer, id, payload),
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
    const { have: bf, toCheck, resumed } = checkPlan(this.pieceMap.pieceCount, have, recheck);
    if (resumed !== undefined) this.resumedPieces = resumed;
    const { good, hashed } = await checkPieces(this.#store, this.#deps.hashPool, this.meta.pieces, this.pieceMap,
      this.meta.files.map((f) => f.length), toCheck, () => this.#stopped, this.#merkleCheck());
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
    this.status = this.picker.wantedLeft() === 0 ? (seedLimitReached(this) ? 'completed' : 'seeding') : 'downloading';
  }

  #activate(): void {
    if (this.status === 'completed') return;
    this.announcer.start();
    this.dialer.pump();
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.#conns.dropAll('paused');
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
    this.#conns.dropAll('recheck');
    this.#uploader.invalidate();
    await this.#check(undefined, undefined);
    this.#settle();
    if (!this.paused) this.#activate();
  }

  setFilePriorities(changes: Array<{ index: number; priority: FilePriority }>): void {
    for (const c of changes) if (c.index >= 0 && c.index < this.filePriorities.length) this.filePriorities[c.index] = c.priority;
    this.#store.setSkipped(skippedFiles(this.filePriorities));
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
    this.#conns.acceptIncoming(socket, handshake, leftover);
  }

  /**
   * Plug in a BEP 10 extension (ut_metadata, ut_pex, …) for this torrent. Peers connected from now
   * on see it in our handshake; connected ones get the handshake again (BEP 10 allows updates).
   * Send with sendExtended(peer, name, payload) from peer/extensions.ts.
   */
  registerExtension(name: string, handler: ExtensionHandler, preferredId?: number): number {
    return this.#conns.registerExtension(name, handler, preferredId);
  }

  #wantsPeers(): boolean {
    return !this.paused && !this.#stopped && (this.status === 'downloading' || this.status === 'seeding') && this.peers.size < this.maxConnections;
  }

  // ---- pieces ----------------------------------------------------------------------------------

  #onVerified(piece: number): void {
    this.#countFileDone(piece);
    this.piecesThisRun++;
    this.emit('verified', piece);
    // A piece left the write backlog: peers held back by it may ask for more.
    this.#conns.pieceVerified(piece, this.status === 'downloading', Date.now());
    this.emit('dirty');
    if (this.status === 'downloading' && this.picker.wantedLeft() === 0) this.#completed();
  }

  #countFileDone(piece: number): void {
    for (const s of this.pieceMap.spans(piece)) if (!s.padding) this.fileDone[s.fileIndex] = (this.fileDone[s.fileIndex] ?? 0) + s.length;
  }

  #onFailed(piece: number, contributors: number[]): void {
    this.emit('warning', `piece ${piece} failed its hash check`);
    this.webSeeds.failed(contributors);
    this.#conns.blame(contributors);
  }

  /** Ban the peer's address and id and close it (torrent-connections.ts). */
  ban(peer: PeerState, why: string): void {
    this.#conns.ban(peer, why);
  }

  #onStorageError(e: unknown): void {
    this.error = e instanceof Error ? e.message : String(e);
    this.status = 'error';
    this.#conns.dropAll('storage error');
    this.emit('error', this.error);
  }

  #completed(): void {
    this.status = 'seeding';
    this.announcer.completed();
    this.#conns.downloadCompleted();
    this.emit('dirty');
    this.emit('completed');
  }

  // ---- timers (driven by the session) ----------------------------------------------------------

  /** About once a second: keep-alives, request timeouts, snubbing, dialing, the seed stop rule. */
  tick(now: number): void {
    const dt = now - this.#lastTick;
    this.#lastTick = now;
    for (const peer of [...this.peers.values()]) tickPeer(this.#ctx, peer, this.status === 'downloading', now);
    this.#ext.tick(now);
    this.#hashes.tick(this, now);
    this.webSeeds.tick(now);
    if (this.status === 'seeding') {
      this.seedingMs += seedClockStep(dt);
      if (seedLimitReached(this)) {
        this.status = 'completed';
        this.#conns.dropAll('seeding finished');
        void this.announcer.stop();
        this.emit('dirty');
      }
    }
    this.dialer.pump();
  }

  /** Every 10 s (and when interest changes): who gets an upload slot. */
  chokerTick(now: number): void {
    runChoker(this.peers, this.status === 'seeding', now, (peer, unchoke) => applyChoke(peer, unchoke, now, (p) => this.#uploader.serve(p)));
  }

  /** Announce stopped, close every peer, flush nothing here (the session writes resume data). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.dialer.close();
    this.webSeeds.close();
    this.#conns.dropAll('stopping');
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
