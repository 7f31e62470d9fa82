// The session's use of the DHT: every active public torrent and every magnet waiting for metadata
// is looked up and announced (our TCP port) on a schedule: soon and often while it has few peers,
// every 15 minutes otherwise. Peers found go to the torrent (or magnet) with source 'dht'. At most
// MAX_PARALLEL lookups run at once, so a session with many torrents cannot flood the network.
import { join } from 'node:path';
import { DhtNode } from './dht/dht-node.ts';

export interface SessionDhtOptions {
  /** UDP port (0 = any). */
  port?: number;
  /** Bind address; defaults to the session's listen host. */
  host?: string;
  /** "host:port" bootstrap nodes; none by default (tests bootstrap from a local node). */
  bootstrap?: string[];
}

export interface DhtTarget { id: string; infoHash: Uint8Array; peers: number }

export interface SessionDhtHooks {
  /** Torrents and magnets to look up now: active, not private. */
  targets(): DhtTarget[];
  peer(id: string, host: string, port: number): void;
  listenPort(): number;
  warning(message: string): void;
}

/** The usual public bootstrap routers, for users who turn the DHT on without naming nodes (never used by tests). */
export const PUBLIC_BOOTSTRAP = ['router.bittorrent.com:6881', 'router.utorrent.com:6881', 'dht.transmissionbt.com:6881'];

const SOON_MS = 15_000;
const LATER_MS = 15 * 60_000;
const FEW_PEERS = 5;
const MAX_PARALLEL = 4;
const SAVE_MS = 5 * 60_000;

export class SessionDht {
  readonly node: DhtNode;
  readonly #hooks: SessionDhtHooks;
  readonly #next = new Map<string, number>();
  #running = 0;
  #timer: NodeJS.Timeout;
  #lastSave = Date.now();
  #closed = false;

  private constructor(node: DhtNode, hooks: SessionDhtHooks) {
    this.node = node;
    this.#hooks = hooks;
    node.on('peer', (id, host, port) => hooks.peer(id, host, port));
    node.on('warning', (m) => hooks.warning(m));
    this.#timer = setInterval(() => this.tick(Date.now()), 1000);
    this.#timer.unref();
  }

  static async start(stateDir: string, host: string, o: SessionDhtOptions, hooks: SessionDhtHooks): Promise<SessionDht> {
    // bittorrent-dht speaks IPv4 only (no BEP 32): a dual-stack TCP listen host ('::') means 0.0.0.0 here.
    const bind = o.host ?? (host.includes(':') ? '0.0.0.0' : host);
    const node = await DhtNode.start({ port: o.port ?? 0, host: bind, bootstrap: o.bootstrap ?? [], stateFile: join(stateDir, 'dht.json') });
    return new SessionDht(node, hooks);
  }

  /** Start the lookups that are due (a new target is due at once). */
  tick(now: number): void {
    if (this.#closed) return;
    const targets = this.#hooks.targets();
    const live = new Set<string>();
    for (const t of targets) {
      live.add(t.id);
      if (this.#running >= MAX_PARALLEL) continue;
      if ((this.#next.get(t.id) ?? 0) > now) continue;
      this.#next.set(t.id, now + (t.peers < FEW_PEERS ? SOON_MS : LATER_MS));
      this.#running++;
      void this.node.lookupAndAnnounce(t.infoHash, this.#hooks.listenPort()).finally(() => { this.#running--; });
    }
    for (const id of this.#next.keys()) if (!live.has(id)) this.#next.delete(id);
    if (now - this.#lastSave > SAVE_MS) {
      this.#lastSave = now;
      void this.node.save().catch((e: unknown) => this.#hooks.warning(`could not save the DHT table: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.node.close();
  }
}
