// BEP 5 mainline DHT node for the session, on top of the `bittorrent-dht` package (WebTorrent's
// DHT: k-buckets, ping/find_node/get_peers/announce_peer with rotating tokens, iterative
// lookups). Chosen over writing our own because it is well-kept, small, interoperates with
// libtorrent, and everything Tessera needs to bound is configurable: bootstrap nodes (none in
// tests), the bind address, the node id, the lookup concurrency and the sizes of its peer store,
// lookup tables and value store. What it does not offer is a limit on incoming queries per
// second; the package answers each from bounded stores, so the cost is CPU per packet only.
//
// This file adds: routing table persistence (node id + up to MAX_SAVED_NODES nodes, written
// atomically to a JSON file and restored on start), typed events, and a promise API.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import DHT from 'bittorrent-dht';
import { TesseraError } from '../errors.ts';
import { writeFileAtomic } from '../session-store.ts';

const MAX_SAVED_NODES = 300;

export interface DhtNodeOptions {
  /** UDP port (0 = any free port). */
  port: number;
  /** Bind address, e.g. '127.0.0.1' in tests, '0.0.0.0' in the app. */
  host: string;
  /** "host:port" bootstrap nodes; empty = none (start from the saved table or nodes added later). */
  bootstrap: string[];
  /** Where the routing table is saved and restored from. */
  stateFile?: string;
}

export type DhtNodeEvents = {
  peer: [infoHashHex: string, host: string, port: number];
  warning: [message: string];
};

interface SavedState { nodeId: string; nodes: Array<{ host: string; port: number }> }

export class DhtNode extends EventEmitter<DhtNodeEvents> {
  readonly #dht: DHT;
  readonly #stateFile: string | undefined;

  private constructor(dht: DHT, stateFile: string | undefined) {
    super();
    this.#dht = dht;
    this.#stateFile = stateFile;
    dht.on('peer', (peer: { host: string; port: number }, infoHash: Buffer) => {
      if (typeof peer?.host === 'string' && Number.isInteger(peer.port) && peer.port > 0 && peer.port < 65536) {
        this.emit('peer', infoHash.toString('hex'), peer.host, peer.port);
      }
    });
    // An 'error' event without a listener would crash the process; a bad packet is only a warning.
    dht.on('error', (e: Error) => this.emit('warning', `dht: ${e.message}`));
    dht.on('warning', (e: Error) => this.emit('warning', `dht: ${e.message}`));
  }

  static async start(o: DhtNodeOptions): Promise<DhtNode> {
    const saved = o.stateFile !== undefined ? await loadState(o.stateFile) : undefined;
    const dht = new DHT({
      bootstrap: o.bootstrap.length === 0 ? false : o.bootstrap,
      host: false, // do not record ourselves as a peer when announcing
      maxTables: 200, maxValues: 100, maxPeers: 10_000, maxAge: 30 * 60_000,
      ...(saved !== undefined ? { nodeId: Buffer.from(saved.nodeId, 'hex') } : {}),
    });
    const node = new DhtNode(dht, o.stateFile);
    await new Promise<void>((resolve, reject) => {
      const onErr = (e: Error): void => reject(new TesseraError('IO_ERROR', `DHT could not listen on ${o.host}:${o.port}: ${e.message}`, { cause: e }));
      dht.once('error', onErr);
      dht.listen(o.port, o.host, () => { dht.off('error', onErr); resolve(); });
    });
    for (const n of saved?.nodes ?? []) dht.addNode({ host: n.host, port: n.port });
    return node;
  }

  get port(): number {
    return this.#dht.address().port;
  }

  get nodeId(): string {
    return this.#dht.nodeId.toString('hex');
  }

  get nodeCount(): number {
    return this.#dht.nodes.count();
  }

  addNode(host: string, port: number): void {
    if (Number.isInteger(port) && port > 0 && port < 65536) this.#dht.addNode({ host, port });
  }

  /** get_peers, then announce_peer with our TCP port to the closest nodes that gave us tokens. */
  lookupAndAnnounce(infoHash: Uint8Array, port: number): Promise<void> {
    const ih = Buffer.from(infoHash);
    return new Promise((resolve) => {
      this.#dht.lookup(ih, () => {
        if (this.#dht.destroyed || port <= 0) { resolve(); return; }
        this.#dht.announce(ih, port, () => resolve());
      });
    });
  }

  async save(): Promise<void> {
    if (this.#stateFile === undefined) return;
    const nodes = this.#dht.toJSON().nodes.slice(0, MAX_SAVED_NODES).map((n) => ({ host: n.host, port: n.port }));
    const state: SavedState = { nodeId: this.nodeId, nodes };
    await writeFileAtomic(this.#stateFile, JSON.stringify(state));
  }

  async close(): Promise<void> {
    await this.save().catch(() => undefined);
    await new Promise<void>((r) => this.#dht.destroy(() => r()));
  }
}

async function loadState(file: string): Promise<SavedState | undefined> {
  try {
    const raw = await readFile(file, 'utf8');
    if (raw.length > 1024 * 1024) return undefined;
    const v = JSON.parse(raw) as Partial<SavedState>;
    if (typeof v.nodeId !== 'string' || !/^[0-9a-f]{40}$/.test(v.nodeId) || !Array.isArray(v.nodes)) return undefined;
    const nodes = v.nodes.slice(0, MAX_SAVED_NODES).filter((n): n is { host: string; port: number } =>
      typeof n === 'object' && n !== null && typeof n.host === 'string' && n.host.length < 64 && Number.isInteger(n.port) && n.port > 0 && n.port < 65536);
    return { nodeId: v.nodeId, nodes };
  } catch {
    return undefined;
  }
}
