// A torrent's side of BEP 52 hash requests (pieces/hash-layers.ts holds the pure logic): ask v2
// peers for piece layers the metadata lacked (a magnet), answer their requests from layers we
// hold, penalise a peer whose hashes do not prove out, and tell the torrent when it may download.
//
// Which connections speak v2: libtorrent answers (and sends) hash messages only on a connection
// whose handshake named the torrent by its truncated v2 info-hash, and disconnects a peer that
// sends one on a v1 connection. So a hybrid asks only peers that came in (or were dialled) by the
// v2 hash; its pieces are checked by SHA-1 meanwhile and the layers are rebuilt from the verified
// data (PieceLayers.learnFromData), so it can serve v2 peers later either way.
// A v2-only torrent requests no piece until every layer is known: a piece whose layer entry is
// unknown cannot be verified, and failing it would blame honest peers.
import type { Metainfo } from './metainfo/types.ts';
import { PieceLayers } from './pieces/hash-layers.ts';
import type { MerkleVerifier } from './pieces/merkle-verify.ts';
import type { PeerState } from './peer/peer-state.ts';
import type { WireMessage } from './wire/messages.ts';

type HashMessage = Extract<WireMessage, { type: 'hash-request' | 'hashes' | 'hash-reject' }>;

/** Hash requests in flight per peer (libtorrent keeps at most two). */
const PER_PEER = 2;

/** What TorrentHashes needs of its torrent (the Torrent class satisfies it). */
export interface HashesHost {
  readonly peers: ReadonlyMap<number, PeerState>;
  ban(peer: PeerState, why: string): void;
  emit(event: 'dirty'): boolean;
  emit(event: 'warning', message: string): boolean;
}

export class TorrentHashes {
  /** Undefined for v1 torrents (nothing to ask or serve). */
  readonly layers: PieceLayers | undefined;
  readonly #v2hash: Uint8Array | undefined;
  readonly #hybrid: boolean;
  /** Hash requests served per peer, capped like ut_metadata requests. */
  readonly #served = new WeakMap<PeerState, number>();
  readonly #budget: number;
  /** Peers whose hashes failed their proof: never asked again. */
  readonly #distrusted = new WeakSet<PeerState>();

  constructor(meta: Metainfo, pieceCount: number) {
    this.#v2hash = meta.infoHashV2?.slice(0, 20);
    this.#hybrid = meta.version === 'hybrid';
    this.layers = meta.infoHashV2 !== undefined ? new PieceLayers(meta, pieceCount) : undefined;
    // Enough for a few full copies of every layer from one peer, and no more.
    const ranges = meta.files.reduce((n, f) => n + (f.length > meta.pieceLength ? Math.ceil(f.length / meta.pieceLength / 512) : 0), 0);
    this.#budget = 4 * ranges + 64;
  }

  /** Pieces may be requested: every needed layer is known, or SHA-1 checks them (hybrid). */
  get ready(): boolean {
    return this.layers === undefined || this.layers.complete || this.#hybrid;
  }

  /** Layers learned this run (to persist: resume and later seeding need not fetch them again). */
  learned(): Map<string, Uint8Array> {
    return this.layers?.learned() ?? new Map();
  }

  /**
   * The merkle check of a piece (SHA-1, when there is one, has already passed). A hybrid piece
   * whose layer entry is unknown passes on SHA-1 alone and lends its subtree root to the layer.
   */
  check(merkle: MerkleVerifier, piece: number, data: Uint8Array, host?: HashesHost): boolean {
    if (merkle.canVerify(piece)) return merkle.verify(piece, data);
    return this.#learn(piece, () => merkle.pieceRoot(piece, data), host);
  }

  /** check() from the piece's 16 KiB leaf hashes (a recheck in the hash workers) instead of its bytes. */
  checkLeaves(merkle: MerkleVerifier, piece: number, leaves: Uint8Array, host?: HashesHost): boolean {
    if (merkle.canVerify(piece)) return merkle.verifyLeaves(piece, leaves);
    return this.#learn(piece, () => merkle.pieceRootFromLeaves(piece, leaves), host);
  }

  #learn(piece: number, root: () => Uint8Array | undefined, host: HashesHost | undefined): boolean {
    if (!this.#hybrid || this.layers === undefined) return false;
    const r = root();
    if (r !== undefined && this.layers.learnFromData(piece, r)) host?.emit('dirty');
    return true;
  }

  handles(m: WireMessage): m is HashMessage {
    return m.type === 'hash-request' || m.type === 'hashes' || m.type === 'hash-reject';
  }

  #speaksV2(peer: PeerState): boolean {
    const ih = peer.conn.remote?.infoHash;
    const v2 = this.#v2hash;
    return ih !== undefined && v2 !== undefined && ih.length === v2.length && ih.every((b, i) => b === v2[i]);
  }

  onMessage(host: HashesHost, peer: PeerState, m: HashMessage, now: number): void {
    const layers = this.layers;
    if (m.type === 'hash-request') {
      const n = (this.#served.get(peer) ?? 0) + 1;
      this.#served.set(peer, n);
      const reject = { type: 'hash-reject' as const, piecesRoot: m.piecesRoot, baseLayer: m.baseLayer, index: m.index, length: m.length, proofLayers: m.proofLayers };
      peer.conn.send(layers === undefined || n > this.#budget ? reject : layers.serve(m));
      return;
    }
    if (layers === undefined) return;
    if (m.type === 'hash-reject') {
      if (layers.onReject(peer.key, m)) this.#ask(peer, now);
      return;
    }
    const r = layers.onHashes(peer.key, m, m.hashes);
    if (r.kind === 'unrequested') return; // late or made up: ignored, never trusted
    if (r.kind === 'bad') {
      // As for a corrupt piece this peer alone sent; the proof makes the blame certain.
      this.#distrusted.add(peer);
      peer.badPieces++;
      peer.soleBadPieces++;
      host.emit('warning', `${peer.conn.ip}:${peer.conn.port} sent piece-layer hashes that do not prove out: ${r.why}`);
      if (peer.badPieces >= 3 || peer.soleBadPieces >= 2) host.ban(peer, `bad piece-layer hashes (${r.why})`);
      return;
    }
    if (layers.complete && r.pieces.length > 0) host.emit('dirty');
    this.#ask(peer, now);
  }

  #ask(peer: PeerState, now: number): void {
    const layers = this.layers;
    if (layers === undefined || layers.complete || peer.conn.closed || !this.#speaksV2(peer) || this.#distrusted.has(peer)) return;
    while (layers.inFlight(peer.key) < PER_PEER) {
      const req = layers.nextRequest(peer.key, now, (p) => peer.has.get(p));
      if (req === undefined) return;
      peer.conn.send({ type: 'hash-request', ...req });
    }
  }

  /** About once a second: keep v2 peers asked while layers are missing (timeouts re-offer ranges). */
  tick(host: HashesHost, now: number): void {
    if (this.layers === undefined || this.layers.complete) return;
    for (const p of host.peers.values()) this.#ask(p, now);
  }

  peerGone(peer: PeerState): void {
    this.layers?.peerGone(peer.key);
  }
}
