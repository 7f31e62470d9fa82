// Magnets waiting for their metadata, for the Session: one MetadataFetcher each, a summary row
// with status 'metadata', and persistence in stateDir/magnets.json (uri, save path, paused,
// added-at) so a restart keeps fetching. When the info dict arrives, a .torrent is built from it
// and the magnet's tr=/ws= values and handed to the session's normal add path; from then on the
// torrent is an ordinary one (its .torrent is stored like any other).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FilePriority, PeerSource, TorrentSummary } from '../../shared/snapshot.ts';
import { TesseraError } from './errors.ts';
import { parseMagnet, type Magnet } from './metainfo/magnet.ts';
import { toHex } from './metainfo/hex.ts';
import { bencode } from './bencode/encode.ts';
import { parseTorrent } from './metainfo/parse-torrent.ts';
import type { Session } from './session.ts';
import { writeFileAtomic } from './session-store.ts';
import { MetadataFetcher, type FetcherDeps, type KnownPeer } from './torrent-metadata.ts';

export interface MagnetEntry {
  id: string;
  uri: string;
  savePath: string;
  paused: boolean;
  addedAt: number;
}

export interface MagnetHooks {
  deps: FetcherDeps;
  /** The info dict is verified: add the built .torrent as a normal torrent and dial `peers`. */
  complete(entry: MagnetEntry, torrent: Uint8Array, selectOnly: number[] | undefined, peers: KnownPeer[]): Promise<void>;
  warning(id: string, message: string): void;
  error(id: string, message: string): void;
}

interface Pending { entry: MagnetEntry; magnet: Magnet; fetcher: MetadataFetcher | undefined }

const MAX_PENDING = 1000;

/**
 * The info-hash id a magnet gets in the session: v1 hex, or for a v2-only magnet (urn:btmh) the
 * v2 hash truncated to 20 bytes — the id torrentIdentity gives the torrent once its metadata is in.
 * Its piece layers then come from peers (BEP 52 hash requests, torrent-hashes.ts).
 */
export function magnetId(m: Magnet): string {
  const ih = m.infoHashV1 ?? m.infoHashV2?.subarray(0, 20);
  if (ih === undefined) throw new TesseraError('MAGNET_INVALID', 'a magnet needs xt=urn:btih or xt=urn:btmh');
  return toHex(ih);
}

/**
 * A .torrent from a verified info dict. The info bytes are spliced in verbatim (re-encoding could
 * change them and so the info-hash); keys are written in sorted order as bencoding requires.
 */
export function torrentFromInfo(info: Uint8Array, m: Pick<Magnet, 'trackers' | 'webSeeds'>): Uint8Array {
  const parts: Uint8Array[] = [new TextEncoder().encode('d')];
  const put = (k: string, v: Uint8Array): void => { parts.push(bencode(k), v); };
  if (m.trackers.length > 0) {
    put('announce', bencode(m.trackers[0] as string));
    put('announce-list', bencode(m.trackers.map((t) => [t])));
  }
  put('info', info);
  if (m.webSeeds.length > 0) put('url-list', bencode(m.webSeeds));
  parts.push(new TextEncoder().encode('e'));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export class MagnetManager {
  readonly #dir: string;
  readonly #hooks: MagnetHooks;
  readonly #pending = new Map<string, Pending>();
  #closed = false;

  constructor(stateDir: string, hooks: MagnetHooks) {
    this.#dir = stateDir;
    this.#hooks = hooks;
  }

  has(id: string): boolean {
    return this.#pending.has(id);
  }

  fetcher(id: string): MetadataFetcher | undefined {
    return this.#pending.get(id)?.fetcher;
  }

  /** Restore the magnets saved by an earlier session. */
  async load(): Promise<void> {
    let list: unknown;
    try { list = JSON.parse(await readFile(join(this.#dir, 'magnets.json'), 'utf8')); } catch { return; }
    if (!Array.isArray(list)) return;
    for (const e of list.slice(0, MAX_PENDING) as Array<Partial<MagnetEntry>>) {
      if (typeof e.uri !== 'string' || typeof e.savePath !== 'string') continue;
      try {
        const magnet = parseMagnet(e.uri);
        const entry: MagnetEntry = { id: magnetId(magnet), uri: e.uri, savePath: e.savePath, paused: e.paused === true, addedAt: Number(e.addedAt) || Date.now() };
        this.#start(entry, magnet);
      } catch (err) {
        this.#hooks.error(String(e.id ?? ''), `could not restore magnet: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** A new magnet (or more peers for one already waiting). */
  async add(uri: string, magnet: Magnet, o: { savePath: string; paused: boolean; peers: Array<{ host: string; port: number }> }): Promise<TorrentSummary> {
    const id = magnetId(magnet);
    let p = this.#pending.get(id);
    if (p === undefined) {
      if (this.#pending.size >= MAX_PENDING) throw new TesseraError('LIMIT_EXCEEDED', `more than ${MAX_PENDING} magnets waiting for metadata`);
      p = this.#start({ id, uri, savePath: o.savePath, paused: o.paused, addedAt: Date.now() }, magnet);
      await this.#save();
    }
    for (const peer of o.peers) p.fetcher?.addPeer(peer.host, peer.port, 'manual');
    return this.#summary(p);
  }

  #start(entry: MagnetEntry, magnet: Magnet): Pending {
    const p: Pending = { entry, magnet, fetcher: undefined };
    this.#pending.set(entry.id, p);
    if (!entry.paused) this.#run(p);
    return p;
  }

  #run(p: Pending): void {
    const f = new MetadataFetcher({
      ...(p.magnet.infoHashV1 !== undefined ? { infoHashV1: p.magnet.infoHashV1 } : {}),
      ...(p.magnet.infoHashV2 !== undefined ? { infoHashV2: p.magnet.infoHashV2 } : {}),
      trackers: p.magnet.trackers, peers: p.magnet.peers,
    }, this.#hooks.deps);
    p.fetcher = f;
    f.on('warning', (m) => this.#hooks.warning(p.entry.id, m));
    f.on('metadata', (info) => void this.#done(p, info));
    f.start();
  }

  async #done(p: Pending, info: Uint8Array): Promise<void> {
    const f = p.fetcher;
    const peers = f?.knownPeers() ?? [];
    await f?.stop();
    if (this.#closed || this.#pending.get(p.entry.id) !== p) return;
    const bytes = torrentFromInfo(info, p.magnet);
    try {
      await this.#hooks.complete(p.entry, bytes, p.magnet.selectOnly, peers);
    } catch (e) {
      // Valid hash but an info dict we cannot use (e.g. unsafe paths): report, stop fetching.
      p.fetcher = undefined;
      p.entry.paused = true;
      this.#hooks.error(p.entry.id, `metadata received but unusable: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.#pending.delete(p.entry.id);
    await this.#save();
  }

  /** Peers for a magnet from elsewhere (DHT, an incoming connection's torrent). */
  addPeer(id: string, host: string, port: number, source: PeerSource): void {
    this.#pending.get(id)?.fetcher?.addPeer(host, port, source);
  }

  pause(id: string): void {
    const p = this.#pending.get(id);
    if (p === undefined || p.entry.paused) return;
    p.entry.paused = true;
    void p.fetcher?.stop();
    p.fetcher = undefined;
    void this.#save();
  }

  resume(id: string): void {
    const p = this.#pending.get(id);
    if (p === undefined || !p.entry.paused) return;
    p.entry.paused = false;
    this.#run(p);
    void this.#save();
  }

  async remove(id: string): Promise<void> {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    this.#pending.delete(id);
    await p.fetcher?.stop();
    await this.#save();
  }

  /** Info-hashes of magnets that are fetching (for DHT lookups). */
  active(): Array<{ id: string; infoHash: Uint8Array; peers: number }> {
    const out: Array<{ id: string; infoHash: Uint8Array; peers: number }> = [];
    for (const p of this.#pending.values()) if (p.fetcher !== undefined) out.push({ id: p.entry.id, infoHash: p.fetcher.infoHash, peers: p.fetcher.peerCount });
    return out;
  }

  tick(now: number): void {
    for (const p of this.#pending.values()) p.fetcher?.tick(now);
  }

  summaries(): TorrentSummary[] {
    return [...this.#pending.values()].map((p) => this.#summary(p));
  }

  #summary({ entry, magnet, fetcher }: Pending): TorrentSummary {
    return {
      id: entry.id, name: magnet.name ?? entry.id, totalSize: magnet.exactLength ?? 0, doneBytes: 0, progress: 0,
      status: entry.paused ? 'paused' : 'metadata', downRate: 0, upRate: 0, downloaded: 0, uploaded: 0,
      peers: fetcher?.peerCount ?? 0, seeds: 0, eta: -1, ratio: 0, savePath: entry.savePath, addedAt: entry.addedAt,
      pieceCount: 0, pieceLength: 0, magnet: entry.uri,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#save();
    this.#closed = true;
    await Promise.all([...this.#pending.values()].map((p) => p.fetcher?.stop()));
  }

  #save(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return writeFileAtomic(join(this.#dir, 'magnets.json'), JSON.stringify([...this.#pending.values()].map((p) => p.entry), null, 1));
  }
}

/**
 * The session side of a finished magnet, through the Session's public API only: add the built
 * .torrent (save path, paused state and BEP 53 `so` selection kept) and dial every address the
 * metadata phase learned, with its original source.
 */
export function magnetHooks(session: Session, deps: FetcherDeps): MagnetHooks {
  return {
    deps,
    complete: async (entry, bytes, selectOnly, peers) => {
      const meta = parseTorrent(bytes);
      const filePriorities: FilePriority[] | undefined = selectOnly === undefined ? undefined
        : meta.files.map((_, i) => (selectOnly.includes(i) ? 'normal' : 'skip'));
      const added = await session.addTorrent(bytes, {
        savePath: entry.savePath, paused: entry.paused, fromMagnet: { addedAt: entry.addedAt },
        ...(filePriorities !== undefined ? { filePriorities } : {}),
      });
      // Usually entry.id; a btmh-only magnet of a hybrid torrent becomes the v1 id.
      const t = session.torrent(added.id);
      for (const p of peers) t?.addPeer(p.host, p.port, p.source);
    },
    warning: (id, m) => session.emit('torrent:warning', id, m),
    error: (id, m) => session.emit('torrent:error', id, m),
  };
}
