// Helpers for the tracker's own tests and benchmark: a minimal tracker client (HTTP GET and
// UDP request/response with a timeout), and libtorrent-style percent-encoding.
import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import bencode from 'bencode';

/** Percent-encode raw bytes the way libtorrent does (unreserved characters stay). */
export function escapeBytes(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(x)) ? String.fromCharCode(x) : `%${x.toString(16).padStart(2, '0')}`;
  return s;
}

export interface HttpResult { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

export function httpGet(url: string, opts: { headers?: Record<string, string>; method?: string; body?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 5000, () => req.destroy(new Error('HTTP request timed out')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Decode a bencoded reply into plain values (byte strings stay Uint8Array). */
export function bdecode(b: Uint8Array): Record<string, unknown> {
  return bencode.decode(b) as Record<string, unknown>;
}

export function text(v: unknown): string {
  return v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
}

/** A UDP client that keeps its socket (one source port), for multi-step exchanges. */
export class UdpClient {
  readonly #sock;
  readonly #host: string;
  readonly #port: number;
  #pending: ((m: Buffer | undefined) => void) | undefined;

  private constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
    this.#sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    this.#sock.on('message', (m) => { const p = this.#pending; this.#pending = undefined; p?.(m); });
  }

  static async open(host: string, port: number): Promise<UdpClient> {
    const c = new UdpClient(host, port);
    await new Promise<void>((r) => c.#sock.bind(0, host, () => r()));
    return c;
  }

  get localPort(): number { return this.#sock.address().port; }

  send(msg: Buffer, timeoutMs = 2000): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.#pending = undefined; resolve(undefined); }, timeoutMs);
      this.#pending = (m) => { clearTimeout(t); resolve(m); };
      this.#sock.send(msg, this.#port, this.#host);
    });
  }

  close(): void { this.#sock.close(); }
}

export function udpConnectPacket(tid: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(0x417, 0);
  b.writeUInt32BE(0x27101980, 4);
  b.writeUInt32BE(0, 8);
  b.writeUInt32BE(tid, 12);
  return b;
}

export interface UdpAnnounceFields {
  connectionId: Uint8Array; tid: number; infoHash: Uint8Array; peerId: Uint8Array;
  left?: number; event?: number; numwant?: number; port: number;
}

export function udpAnnouncePacket(f: UdpAnnounceFields): Buffer {
  const b = Buffer.alloc(98);
  b.set(f.connectionId, 0);
  b.writeUInt32BE(1, 8);
  b.writeUInt32BE(f.tid, 12);
  b.set(f.infoHash, 16);
  b.set(f.peerId, 36);
  b.writeBigUInt64BE(0n, 56);
  b.writeBigUInt64BE(BigInt(f.left ?? 0), 64);
  b.writeBigUInt64BE(0n, 72);
  b.writeUInt32BE(f.event ?? 0, 80);
  b.writeUInt32BE(0, 84);
  b.writeUInt32BE(0x1234, 88);
  b.writeInt32BE(f.numwant ?? -1, 92);
  b.writeUInt16BE(f.port, 96);
  return b;
}

export function udpScrapePacket(connectionId: Uint8Array, tid: number, hashes: Uint8Array[]): Buffer {
  const b = Buffer.alloc(16 + 20 * hashes.length);
  b.set(connectionId, 0);
  b.writeUInt32BE(2, 8);
  b.writeUInt32BE(tid, 12);
  hashes.forEach((h, i) => b.set(h, 16 + 20 * i));
  return b;
}
