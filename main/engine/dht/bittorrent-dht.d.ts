// The part of bittorrent-dht 11's API Tessera uses (the package ships no types).
declare module 'bittorrent-dht' {
  import { EventEmitter } from 'node:events';
  export interface DhtPeer { host: string; port: number }
  export interface DhtNodeInfo { host: string; port: number; id?: Buffer }
  export interface DhtOptions {
    nodeId?: Buffer | string;
    bootstrap?: false | string[];
    host?: string | false;
    concurrency?: number;
    maxTables?: number;
    maxValues?: number;
    maxPeers?: number;
    maxAge?: number;
    timeBucketOutdated?: number;
    timeout?: number;
  }
  export default class DHT extends EventEmitter {
    constructor(opts?: DhtOptions);
    readonly nodeId: Buffer;
    readonly listening: boolean;
    readonly destroyed: boolean;
    readonly nodes: { count(): number; toArray(): DhtNodeInfo[] };
    listen(port: number, address: string, cb?: () => void): void;
    address(): { address: string; family: string; port: number };
    addNode(node: DhtNodeInfo): void;
    lookup(infoHash: Buffer | string, cb?: (err: Error | null, found?: number) => void): () => void;
    announce(infoHash: Buffer | string, port: number, cb?: (err: Error | null) => void): void;
    toJSON(): { nodes: Array<{ host: string; port: number }>; values: Record<string, unknown> };
    destroy(cb?: () => void): void;
  }
}
