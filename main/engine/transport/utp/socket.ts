// The UDP edge of uTP: one dgram socket on the session's listen port number (TCP and UDP ports are
// separate namespaces, so both bind the same number), routing datagrams to connections by remote
// address and connection id, accepting SYNs (a bounded number of connections may wait for their
// first byte), and dialling. The DHT has its own port (session-dht.ts), so nothing else shares it.
import dgram from 'node:dgram';
import { isIPv4 } from 'node:net';
import { TesseraError } from '../../errors.ts';
import { UtpConnection } from './connection.ts';
import { ST_RESET, ST_SYN, decodePacket } from './packet.ts';

const MAX_CONNECTIONS = 2048;
/** Incoming connections that have not sent a payload byte yet (a SYN flood stops here). */
const MAX_PENDING = 64;
const RECV_BUFFER_BYTES = 4 << 20;

export interface UtpSocketOptions {
  host: string;
  port: number;
  onConnection: (conn: UtpConnection) => void;
  maxPending?: number;
}

export interface UtpDialOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

const plain = (addr: string): string => addr.replace(/^::ffff:/, '');

export class UtpSocket {
  readonly #udp: dgram.Socket;
  readonly #v6: boolean;
  readonly #opts: UtpSocketOptions;
  readonly #conns = new Map<string, UtpConnection>();
  readonly #incoming = new Set<UtpConnection>();
  #closed = false;

  private constructor(udp: dgram.Socket, v6: boolean, opts: UtpSocketOptions) {
    this.#udp = udp;
    this.#v6 = v6;
    this.#opts = opts;
    udp.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo.address, rinfo.port));
    udp.on('error', () => { /* send errors (ICMP unreachable…) concern one peer; its connection times out */ });
  }

  /** Bind UDP on host:port (port 0 = any; pass the TCP listener's port to share its number). */
  static bind(opts: UtpSocketOptions): Promise<UtpSocket> {
    const v6 = !isIPv4(opts.host);
    const udp = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: false });
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => {
        udp.close();
        reject(new TesseraError('IO_ERROR', `uTP: cannot bind UDP ${opts.host}:${opts.port}: ${e.message}`, { cause: e }));
      };
      udp.once('error', onError);
      udp.bind({ address: opts.host, port: opts.port, exclusive: true }, () => {
        udp.off('error', onError);
        try { udp.setRecvBufferSize(RECV_BUFFER_BYTES); udp.setSendBufferSize(RECV_BUFFER_BYTES); } catch { /* capped by the OS: keep its default */ }
        resolve(new UtpSocket(udp, v6, opts));
      });
    });
  }

  get port(): number {
    return this.#udp.address().port;
  }

  get connections(): number {
    return this.#conns.size;
  }

  /** Open a uTP connection; rejects with IO_ERROR when no answer comes in time (default 3 s). */
  connect(host: string, port: number, o: UtpDialOptions = {}): Promise<UtpConnection> {
    return new Promise((resolve, reject) => {
      if (this.#closed) { reject(new TesseraError('IO_ERROR', 'uTP: socket closed')); return; }
      if (o.signal?.aborted) { reject(new TesseraError('ABORTED', 'dial aborted')); return; }
      if (this.#conns.size >= MAX_CONNECTIONS) { reject(new TesseraError('LIMIT_EXCEEDED', 'uTP: too many connections')); return; }
      const addr = plain(host);
      let recvId = 0;
      for (let i = 0; i < 64; i++) {
        recvId = Math.floor(Math.random() * 0xffff);
        if (!this.#conns.has(`${addr}|${port}|${recvId}`) && !this.#conns.has(`${addr}|${port}|${(recvId + 1) & 0xffff}`)) break;
      }
      const conn = this.#add(addr, port, recvId, (recvId + 1) & 0xffff);
      const done = (err: Error | null): void => {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        conn.off('connect', onConnect);
        conn.off('error', onError);
        conn.off('close', onClose);
        if (err === null) { resolve(conn); return; }
        conn.on('error', () => undefined);
        conn.destroy();
        reject(err);
      };
      const onConnect = (): void => done(null);
      const onError = (e: Error): void => done(e instanceof TesseraError ? e : new TesseraError('IO_ERROR', e.message, { cause: e }));
      const onClose = (): void => done(new TesseraError('IO_ERROR', `uTP: connect to ${host}:${port} closed`));
      const onAbort = (): void => done(new TesseraError('ABORTED', 'dial aborted'));
      const timer = setTimeout(() => done(new TesseraError('IO_ERROR', `uTP: connect to ${host}:${port} timed out`)), o.timeoutMs ?? 3000);
      o.signal?.addEventListener('abort', onAbort, { once: true });
      conn.once('connect', onConnect);
      conn.once('error', onError);
      conn.once('close', onClose);
      conn.connect();
    });
  }

  #add(addr: string, port: number, recvId: number, sendId: number, syn?: ReturnType<typeof decodePacket>): UtpConnection {
    const key = `${addr}|${port}|${recvId}`;
    const to = this.#v6 && isIPv4(addr) ? `::ffff:${addr}` : addr;
    const conn = new UtpConnection({
      recvId, sendId, remoteAddress: addr, remotePort: port,
      send: (parts) => { if (!this.#closed) this.#udp.send(parts, port, to); },
      ...(syn !== undefined ? { syn } : {}),
    });
    this.#conns.set(key, conn);
    conn.once('close', () => { if (this.#conns.get(key) === conn) this.#conns.delete(key); });
    return conn;
  }

  #onMessage(msg: Buffer, from: string, port: number): void {
    let p;
    try { p = decodePacket(msg); } catch { return; } // not uTP, or damaged: dropped
    const addr = plain(from);
    if (p.type === ST_SYN) {
      // Our recv id for this peer is its SYN's id + 1; a repeated SYN goes to the existing connection.
      const recvId = (p.connectionId + 1) & 0xffff;
      const existing = this.#conns.get(`${addr}|${port}|${recvId}`);
      if (existing !== undefined) { existing.receive(p); return; }
      if (this.#closed || this.#conns.size >= MAX_CONNECTIONS || this.#pending() >= (this.#opts.maxPending ?? MAX_PENDING)) return;
      const conn = this.#add(addr, port, recvId, p.connectionId, p);
      this.#incoming.add(conn);
      conn.once('close', () => this.#incoming.delete(conn));
      conn.on('error', () => conn.destroy()); // until the session attaches its own handlers
      this.#opts.onConnection(conn);
      return;
    }
    const conn = this.#conns.get(`${addr}|${port}|${p.connectionId}`);
    if (conn !== undefined) conn.receive(p);
    else if (p.type !== ST_RESET) { /* a connection we already closed: its peer times out or gets our RESET */ }
  }

  #pending(): number {
    let n = 0;
    for (const c of this.#incoming) if (!c.gotData) n++;
    return n;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    for (const c of [...this.#conns.values()]) c.destroy(); // each sends its RESET
    this.#closed = true;
    this.#conns.clear();
    this.#incoming.clear();
    return new Promise((resolve) => this.#udp.close(() => resolve()));
  }
}
