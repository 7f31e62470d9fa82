// LEDBAT congestion control for uTP (BEP 29, libtorrent's parameters) and the RTT/RTO estimator.
// Pure: the connection feeds it acks, delay samples, losses and timeouts with the time; it answers
// with the congestion window in bytes and the retransmission timeout in ms.
//
// LEDBAT aims at a one-way queuing delay of `targetDelayUs` (100 ms): the delay of our packets as the
// peer measures it (timestamp_difference in its acks) minus the smallest such delay seen over the
// last two minutes (the base delay: propagation plus clock offset). Below target the window grows,
// above it shrinks, by at most `maxCwndIncreasePerRtt` bytes per RTT. Loss halves it; a timeout
// drops it to one packet.

export interface LedbatOptions {
  packetSize: number;
  targetDelayUs?: number;
  /** libtorrent's max_cwnd_increase_bytes_per_rtt (BEP 29 calls it MAX_CWND_INCREASE_PACKETS_PER_RTT). */
  maxCwndIncreasePerRtt?: number;
  minCwnd?: number;
  maxCwnd?: number;
  /** Start in slow start (window doubles per RTT until loss or half the target delay). */
  slowStart?: boolean;
}

const BASE_HISTORY_MS = 60_000; // two buckets of a minute each: the base delay is the min over the last 2 min
const MIN_RTO_MS = 500;
const INITIAL_RTO_MS = 1000;
const MAX_RTO_MS = 60_000;
const DELAY_FILTER = 3; // our delay is the smallest of the last few samples (drops one-off spikes)

/** Signed 32-bit distance a - b of two microsecond timestamps that wrap at 2^32. */
function diff32(a: number, b: number): number {
  return (a - b) | 0;
}

export class Ledbat {
  readonly packetSize: number;
  readonly target: number;
  readonly gain: number;
  readonly minCwnd: number;
  readonly maxCwnd: number;
  cwnd: number;
  slowStart: boolean;
  ssthresh: number;
  /** Smoothed RTT and variance, ms; undefined before the first sample. */
  rtt: number | undefined;
  rttVar = 0;
  rto = INITIAL_RTO_MS;
  #buckets: Array<{ start: number; min: number }> = [];
  #recent: number[] = [];
  #lastLossAt = -Infinity;

  constructor(o: LedbatOptions) {
    this.packetSize = o.packetSize;
    this.target = o.targetDelayUs ?? 100_000;
    this.gain = o.maxCwndIncreasePerRtt ?? 3000;
    this.minCwnd = o.minCwnd ?? 2 * o.packetSize;
    this.maxCwnd = o.maxCwnd ?? 1 << 20;
    this.slowStart = o.slowStart ?? true;
    this.ssthresh = this.maxCwnd;
    this.cwnd = Math.max(this.minCwnd, 2 * o.packetSize);
  }

  /** Record one delay sample (the peer's timestamp_difference for our packets), µs mod 2^32. */
  addDelaySample(sampleUs: number, nowMs: number): void {
    const s = sampleUs >>> 0;
    let cur = this.#buckets[this.#buckets.length - 1];
    if (cur === undefined || nowMs - cur.start >= BASE_HISTORY_MS) {
      cur = { start: nowMs, min: s };
      this.#buckets.push(cur);
      if (this.#buckets.length > 2) this.#buckets.shift();
    } else if (diff32(s, cur.min) < 0) {
      cur.min = s;
    }
    this.#recent.push(s);
    if (this.#recent.length > DELAY_FILTER) this.#recent.shift();
  }

  /** The smallest delay sample of the last two minutes, or undefined before the first. */
  get baseDelay(): number | undefined {
    let base: number | undefined;
    for (const b of this.#buckets) if (base === undefined || diff32(b.min, base) < 0) base = b.min;
    return base;
  }

  /** Queuing delay now, µs (≥ 0): the filtered recent sample minus the base delay. */
  get ourDelay(): number {
    const base = this.baseDelay;
    if (base === undefined || this.#recent.length === 0) return 0;
    let best = Infinity;
    for (const s of this.#recent) best = Math.min(best, Math.max(0, diff32(s, base)));
    return best;
  }

  /**
   * `bytesAcked` newly acknowledged. `cwndLimited`: the sender had more to send than the window
   * allowed; an application-limited sender must not grow the window it does not use.
   */
  onAck(bytesAcked: number, cwndLimited: boolean): void {
    if (bytesAcked <= 0) return;
    const delay = this.ourDelay;
    const offTarget = this.target - delay;
    if (this.slowStart) {
      if (delay > this.target / 2) {
        this.slowStart = false;
        this.ssthresh = this.cwnd;
      } else if (cwndLimited) {
        this.cwnd = Math.min(this.maxCwnd, this.cwnd + bytesAcked);
        if (this.cwnd >= this.ssthresh) this.slowStart = false;
        return;
      }
    }
    const delayFactor = offTarget / this.target;
    const windowFactor = bytesAcked / Math.max(this.cwnd, bytesAcked);
    const scaledGain = this.gain * delayFactor * windowFactor;
    if (scaledGain > 0 && !cwndLimited) return;
    this.cwnd = Math.min(this.maxCwnd, Math.max(this.minCwnd, this.cwnd + scaledGain));
  }

  /** A packet was lost (duplicate acks or a selective-ack hole): halve, at most once per RTT. */
  onLoss(nowMs: number): boolean {
    if (nowMs - this.#lastLossAt < (this.rtt ?? 0)) return false;
    this.#lastLossAt = nowMs;
    this.slowStart = false;
    this.cwnd = Math.max(this.minCwnd, this.cwnd / 2);
    this.ssthresh = this.cwnd;
    return true;
  }

  /** The retransmission timer fired: one packet in flight, back off the timer. */
  onTimeout(): void {
    this.slowStart = false;
    this.ssthresh = Math.max(this.minCwnd, this.cwnd / 2);
    this.cwnd = this.packetSize;
    this.rto = Math.min(MAX_RTO_MS, this.rto * 2);
  }

  /** RTT of one packet that was sent once (Karn: never from a retransmitted one), ms. */
  addRttSample(sampleMs: number): void {
    const m = Math.max(0, sampleMs);
    if (this.rtt === undefined) {
      this.rtt = m;
      this.rttVar = m / 2;
    } else {
      const delta = this.rtt - m;
      this.rttVar += (Math.abs(delta) - this.rttVar) / 4;
      this.rtt += (m - this.rtt) / 8;
    }
    this.rto = Math.min(MAX_RTO_MS, Math.max(MIN_RTO_MS, this.rtt + 4 * this.rttVar));
  }
}
