// One uTP connection (BEP 29) as a node Duplex, so a PeerConnection (or MSE on top) treats it like a
// TCP socket. The datagram I/O is injected: `send` puts a packet on the wire, the multiplexer calls
// `receive` with each packet routed here. Reliability: a send buffer of numbered packets kept until
// acked (fast retransmit after 3 duplicate acks or 3 selective acks past a hole, timeout resend with
// backoff), a bounded reorder buffer on the receive side (reorder-buffer.ts), LEDBAT for the window
// (congestion.ts). Application bytes wait in send-queue.ts until the window lets a packet out.
import { Duplex } from 'node:stream';
import { TesseraError } from '../../errors.ts';
import { Ledbat } from './congestion.ts';
import { ReorderBuffer } from './reorder-buffer.ts';
import { SendQueue } from './send-queue.ts';
import {
  HEADER_SIZE, ST_DATA, ST_FIN, ST_RESET, ST_STATE, ST_SYN, buildSack, encodeHeader, sackedSeqs, seqDiff, seqLess,
  type Packet, type PacketType,
} from './packet.ts';

/** Datagrams of at most this many bytes fit a 1500-byte Ethernet MTU with IPv6 + UDP headers to spare. */
export const PACKET_SIZE = 1400;
const PAYLOAD_SIZE = PACKET_SIZE - HEADER_SIZE;
/** What we advertise: bytes not yet read by the application plus held out-of-order packets. */
const RECV_BUFFER = 1 << 20;
/** Out-of-order packets kept at most this far past the next expected one. */
const MAX_REORDER = 1024;
/** App bytes copied in and not yet packetized before write() callbacks are held back. */
const SEND_QUEUE_MAX = 256 << 10;
const MAX_OUTSTANDING = 2048;
const MAX_TIMEOUTS = 7;
const SYN_RETRIES = 3;

export type UtpState = 'syn_sent' | 'connected' | 'closed';

export interface UtpConnectionOptions {
  /** Puts one datagram (header and payload pieces) on the wire to the remote address. */
  send: (parts: Uint8Array[]) => void;
  remoteAddress: string;
  remotePort: number;
  localAddress?: string;
  /** We dial: our recv id is `recvId`, the SYN goes out on connect(). */
  recvId: number;
  sendId: number;
  /** Incoming: the SYN that opened the connection. */
  syn?: Packet;
  /** Test hook: a clock in ms. */
  now?: () => number;
}

interface Outgoing {
  seq: number;
  type: PacketType;
  payload: Uint8Array;
  sentAt: number;
  transmissions: number;
  /** Counted in flight (false once declared lost, until resent). */
  inFlight: boolean;
  fastResent: boolean;
}

const nowMs = (): number => performance.now();
const nowUs = (): number => Math.floor(performance.now() * 1000) >>> 0;

export class UtpConnection extends Duplex {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string | undefined;
  readonly recvId: number;
  readonly sendId: number;
  state: UtpState;
  /** A payload byte has arrived (the multiplexer bounds connections still waiting for one). */
  gotData = false;
  readonly cc = new Ledbat({ packetSize: PACKET_SIZE });
  #send: (parts: Uint8Array[]) => void;
  #now: () => number;
  #seqNr: number;
  #ackNr = 0;
  #outgoing = new Map<number, Outgoing>();
  #oldest: number; // lowest unacked seq
  #inflight = 0;
  #lost = 0; // packets declared lost and not yet resent
  #peerWnd = RECV_BUFFER;
  #replyMicro = 0;
  #lastAckNr = -1;
  #dupAcks = 0;
  #cwndLimited = false;
  readonly #queue = new SendQueue();
  #heldWrite: (() => void) | undefined;
  #finPending: (() => void) | undefined;
  #finSent = false;
  readonly #reorder = new ReorderBuffer({ maxAhead: MAX_REORDER, maxBytes: RECV_BUFFER });
  #ackScheduled = false;
  #flushScheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #timeouts = 0;
  #windowClosed = false;

  constructor(o: UtpConnectionOptions) {
    super({ allowHalfOpen: false });
    this.#send = o.send;
    this.#now = o.now ?? nowMs;
    this.remoteAddress = o.remoteAddress;
    this.remotePort = o.remotePort;
    this.localAddress = o.localAddress;
    this.recvId = o.recvId;
    this.sendId = o.sendId;
    if (o.syn !== undefined) {
      // Incoming: our data starts at a random seq; the STATE reply carries it unconsumed.
      this.state = 'connected';
      this.#seqNr = Math.floor(Math.random() * 0xffff) + 1;
      this.#oldest = this.#seqNr;
      this.#ackNr = o.syn.seqNr;
      this.#replyMicro = (nowUs() - o.syn.timestamp) >>> 0;
      this.#sendAck();
    } else {
      this.state = 'syn_sent';
      this.#seqNr = 1;
      this.#oldest = 1;
    }
  }

  /** Dial: send the SYN (retried on timeout; 'connect' or an error follows). */
  connect(): void {
    if (this.state !== 'syn_sent' || this.#outgoing.size > 0) return;
    this.#enqueuePacket(ST_SYN, new Uint8Array(0));
  }

  get remoteFamily(): string {
    return this.remoteAddress.includes(':') ? 'IPv6' : 'IPv4';
  }

  /** Counters for diagnostics and benchmarks. */
  stats(): { cwnd: number; peerWnd: number; inflight: number; outstanding: number; queued: number; rtt: number | undefined; rto: number; ourDelayUs: number; timeouts: number; lost: number } {
    return { cwnd: this.cc.cwnd, peerWnd: this.#peerWnd, inflight: this.#inflight, outstanding: this.#outgoing.size, queued: this.#queue.bytes, rtt: this.cc.rtt, rto: this.cc.rto, ourDelayUs: this.cc.ourDelay, timeouts: this.#timeouts, lost: this.#lost };
  }

  /** Socket API parity: uTP has no Nagle and no keep-alive of its own. */
  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }

  /** Bytes we can still take in: the advertised window. */
  get #recvWindow(): number {
    return Math.max(0, RECV_BUFFER - this.readableLength - this.#reorder.bytes);
  }

  // ---- receive path -------------------------------------------------------------------------

  /** A packet for this connection (the multiplexer matched the address and connection id). */
  receive(p: Packet): void {
    if (this.state === 'closed') return;
    if (p.type === ST_RESET) { this.destroy(new TesseraError('IO_ERROR', 'uTP: connection reset by peer')); return; }
    if (p.type === ST_SYN) { if (this.#ackNr === p.seqNr) this.#sendAck(); return; } // our STATE reply was lost
    this.#replyMicro = (nowUs() - p.timestamp) >>> 0;
    if (this.state === 'syn_sent') {
      if (p.ackNr !== this.#oldest) return; // not the answer to our SYN
      this.state = 'connected';
      this.#ackNr = (p.seqNr - 1) & 0xffff;
      this.#timeouts = 0;
      this.emit('connect');
    }
    this.#peerWnd = p.wndSize;
    this.#onAck(p);
    if (p.type === ST_DATA || p.type === ST_FIN) this.#onData(p);
    this.#flush();
  }

  #onAck(p: Packet): void {
    const now = this.#now();
    if (p.timestampDiff !== 0) this.cc.addDelaySample(p.timestampDiff, now);
    let acked = 0;
    // Cumulative ack: everything from the oldest unacked through ackNr (if ackNr is one we sent).
    if (this.#outgoing.size > 0 && !seqLess(p.ackNr, this.#oldest) && seqLess(p.ackNr, this.#seqNr)) {
      while (this.#outgoing.size > 0 && !seqLess(p.ackNr, this.#oldest)) {
        acked += this.#ackOne(this.#oldest, now);
        this.#oldest = (this.#oldest + 1) & 0xffff;
      }
    }
    let lossDetected = false;
    if (p.sack !== undefined && this.#outgoing.size > 0) {
      const sacked = sackedSeqs(p.ackNr, p.sack).filter((s) => this.#outgoing.has(s));
      for (const s of sacked) acked += this.#ackOne(s, now);
      // A packet with three or more selectively acked packets after it is lost.
      if (sacked.length >= 3) {
        const third = sacked[sacked.length - 3] as number;
        for (const o of this.#outgoing.values()) {
          if (seqLess(o.seq, third) && o.inFlight && !o.fastResent) { this.#markLost(o); lossDetected = true; }
        }
      }
    }
    if (acked > 0) {
      this.#dupAcks = 0;
      this.#timeouts = 0;
      this.cc.onAck(acked, this.#cwndLimited);
      this.#armTimer();
      if (this.#outgoing.size === 0 && this.#finSent) this.#finAcked();
      if (this.#heldWrite !== undefined && this.#queue.bytes < SEND_QUEUE_MAX) { const cb = this.#heldWrite; this.#heldWrite = undefined; cb(); }
    } else if (p.type === ST_STATE && p.ackNr === this.#lastAckNr && this.#outgoing.size > 0) {
      // Three duplicate acks: the packet after ackNr is lost.
      if (++this.#dupAcks === 3) {
        const o = this.#outgoing.get((p.ackNr + 1) & 0xffff);
        if (o !== undefined && o.inFlight && !o.fastResent) { this.#markLost(o); lossDetected = true; }
      }
    }
    this.#lastAckNr = p.ackNr;
    if (lossDetected) this.cc.onLoss(now);
  }

  #ackOne(seq: number, now: number): number {
    const o = this.#outgoing.get(seq);
    if (o === undefined) return 0;
    this.#outgoing.delete(seq);
    if (o.inFlight) this.#inflight -= o.payload.length + HEADER_SIZE; else this.#lost--;
    if (o.transmissions === 1) this.cc.addRttSample(now - o.sentAt);
    return o.payload.length + HEADER_SIZE;
  }

  #markLost(o: Outgoing): void {
    o.fastResent = true;
    if (o.inFlight) { o.inFlight = false; this.#inflight -= o.payload.length + HEADER_SIZE; this.#lost++; }
  }

  #onData(p: Packet): void {
    const d = seqDiff(p.seqNr, this.#ackNr);
    if (d === 1) {
      this.#deliver(p.type, p.payload);
      // Packets held past the gap now follow in order.
      for (let held = this.#reorder.take((this.#ackNr + 1) & 0xffff); held !== undefined; held = this.#reorder.take((this.#ackNr + 1) & 0xffff)) {
        this.#deliver(held.fin ? ST_FIN : ST_DATA, held.payload);
      }
    } else {
      this.#reorder.hold(p.seqNr, p.payload, p.type === ST_FIN, d);
    }
    // Duplicates and packets too far ahead are dropped; either way the peer hears where we are.
    this.#scheduleAck();
  }

  #deliver(type: PacketType, payload: Uint8Array): void {
    this.#ackNr = (this.#ackNr + 1) & 0xffff;
    if (payload.length > 0) this.gotData = true;
    if (payload.length > 0 && !this.push(payload)) this.#windowClosed = true;
    if (type === ST_FIN) {
      this.#sendAck();
      this.push(null);
    }
  }

  override _read(): void {
    // The application caught up after a full buffer: tell the peer the window is open again.
    if (this.#windowClosed) { this.#windowClosed = false; this.#scheduleAck(); }
  }

  // ---- send path ------------------------------------------------------------------------------

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.state === 'closed') { cb(new TesseraError('IO_ERROR', 'uTP: connection closed')); return; }
    // Copied: the writer may reuse its buffer once called back, and we keep bytes until acked.
    this.#queue.push(Buffer.from(chunk));
    this.#scheduleFlush();
    if (this.#queue.bytes < SEND_QUEUE_MAX) cb(); else this.#heldWrite = () => cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#finPending = () => cb();
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Writes of one tick (a burst of small messages) leave as full packets.
    process.nextTick(() => { this.#flushScheduled = false; this.#flush(); });
  }

  #window(): number {
    return Math.min(this.cc.cwnd, this.#peerWnd);
  }

  #flush(): void {
    if (this.state !== 'connected') return;
    // Lost packets first, oldest first.
    if (this.#lost > 0) for (const o of this.#outgoing.values()) {
      if (o.inFlight) continue;
      if (this.#inflight + o.payload.length + HEADER_SIZE > this.#window() && this.#inflight > 0) { this.#cwndLimited = true; return; }
      this.#transmit(o);
    }
    this.#cwndLimited = false;
    while (this.#queue.bytes > 0) {
      const n = Math.min(PAYLOAD_SIZE, this.#queue.bytes);
      if (this.#outgoing.size >= MAX_OUTSTANDING) return;
      if (this.#inflight + n + HEADER_SIZE > this.#window()) {
        // The peer's window is shut and nothing is in flight: a probe goes out on the timer.
        this.#cwndLimited = this.#inflight + n + HEADER_SIZE > this.cc.cwnd;
        if (this.#inflight === 0) this.#armTimer();
        return;
      }
      this.#enqueuePacket(ST_DATA, this.#queue.take(n));
    }
    if (this.#heldWrite !== undefined && this.#queue.bytes < SEND_QUEUE_MAX) { const cb = this.#heldWrite; this.#heldWrite = undefined; cb(); }
    if (this.#finPending !== undefined && !this.#finSent && this.#queue.bytes === 0) {
      this.#finSent = true;
      this.#enqueuePacket(ST_FIN, new Uint8Array(0));
    }
  }

  #enqueuePacket(type: PacketType, payload: Uint8Array): void {
    const o: Outgoing = { seq: this.#seqNr, type, payload, sentAt: 0, transmissions: 0, inFlight: false, fastResent: false };
    this.#seqNr = (this.#seqNr + 1) & 0xffff;
    this.#outgoing.set(o.seq, o);
    this.#transmit(o);
  }

  #transmit(o: Outgoing): void {
    if (o.transmissions > 0 && !o.inFlight) this.#lost--;
    o.sentAt = this.#now();
    o.transmissions++;
    o.inFlight = true;
    this.#inflight += o.payload.length + HEADER_SIZE;
    const head = this.#header(o.type, o.seq);
    this.#ackScheduled = false; // this packet carries the ack
    this.#send(o.payload.length > 0 ? [head, o.payload] : [head]);
    if (this.#timer === undefined) this.#armTimer();
  }

  #header(type: PacketType, seq: number, sack?: Uint8Array): Uint8Array {
    return encodeHeader({
      // A SYN names the id we receive on; every other packet the id the peer receives on.
      type, connectionId: type === ST_SYN ? this.recvId : this.sendId, timestamp: nowUs(), timestampDiff: this.#replyMicro,
      wndSize: this.#recvWindow, seqNr: seq, ackNr: this.#ackNr,
    }, sack);
  }

  #scheduleAck(): void {
    if (this.#ackScheduled) return;
    this.#ackScheduled = true;
    // After every datagram of this poll round is handled: one ack for the batch.
    setImmediate(() => { if (this.#ackScheduled) this.#sendAck(); });
  }

  #sendAck(): void {
    this.#ackScheduled = false;
    if (this.state === 'closed') return;
    const sack = this.#reorder.size > 0 ? buildSack(this.#ackNr, (s) => this.#reorder.has(s)) : undefined;
    this.#send([this.#header(ST_STATE, this.#seqNr, sack)]);
  }

  // ---- timers and teardown ------------------------------------------------------------------

  #armTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.state === 'closed') return;
    const zeroWindow = this.#outgoing.size === 0 && this.#queue.bytes > 0;
    if (this.#outgoing.size === 0 && !zeroWindow) return;
    this.#timer = setTimeout(() => this.#onTimeout(), this.cc.rto);
    this.#timer.unref();
  }

  #onTimeout(): void {
    this.#timer = undefined;
    if (this.state === 'closed') return;
    if (++this.#timeouts > (this.state === 'syn_sent' ? SYN_RETRIES : MAX_TIMEOUTS)) {
      this.destroy(new TesseraError('IO_ERROR', `uTP: ${this.state === 'syn_sent' ? 'connect' : 'connection'} to ${this.remoteAddress}:${this.remotePort} timed out`));
      return;
    }
    this.cc.onTimeout();
    if (this.#outgoing.size === 0) {
      // Zero-window probe: one packet regardless of the advertised window.
      if (this.#queue.bytes > 0) this.#enqueuePacket(ST_DATA, this.#queue.take(Math.min(PAYLOAD_SIZE, this.#queue.bytes)));
      this.#armTimer();
      return;
    }
    for (const o of this.#outgoing.values()) { this.#markLost(o); o.fastResent = false; }
    const first = this.#outgoing.values().next().value;
    if (first !== undefined) this.#transmit(first); // one packet: the window is one packet now
    this.#armTimer();
  }

  #finAcked(): void {
    const cb = this.#finPending;
    this.#finPending = undefined;
    cb?.();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    // Tell the peer at once unless both sides already said FIN (or it reset us).
    const reset = err === null || !(err instanceof TesseraError && err.message.includes('reset by peer'));
    if (this.state === 'connected' && reset && !(this.#finSent && this.readableEnded)) {
      this.#send([this.#header(ST_RESET, this.#seqNr)]);
    }
    this.state = 'closed';
    this.#outgoing.clear();
    this.#lost = 0;
    this.#reorder.clear();
    this.#queue.clear();
    this.#finPending?.();
    cb(err);
  }
}
