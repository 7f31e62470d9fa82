// The request pipeline of one peer: how many block requests to keep outstanding, which ones have
// timed out, and whether the peer is snubbing us. Pure: the clock is injected and the caller owns
// the timer that calls check().
//
// Depth follows libtorrent's request_queue_time: enough requests to cover `targetLatencyMs` of
// the peer's current rate, so a fast peer on a long pipe never idles waiting for our next request
// and a slow one does not hoard blocks that endgame would then have to duplicate.

import { BLOCK_SIZE, type BlockRequest } from './downloading-piece.ts';
import type { Clock } from '../rate/rate-meter.ts';

export interface PipelineOptions {
  /** Seconds of the peer's rate to keep requested (libtorrent: request_queue_time = 3 s). */
  targetLatencyMs?: number;
  minDepth?: number;
  maxDepth?: number;
  /** No block for this long while requests are outstanding: the peer is snubbing us (60 s). */
  snubTimeoutMs?: number;
  /** One request outstanding this long is given up and returned to the picker (default 60 s). */
  requestTimeoutMs?: number;
  clock?: Clock;
}

/** Outstanding requests to keep for a peer sending `rate` bytes/s. */
export function queueDepth(rate: number, opts: Pick<PipelineOptions, 'targetLatencyMs' | 'minDepth' | 'maxDepth'> = {}): number {
  const min = opts.minDepth ?? 2;
  const max = opts.maxDepth ?? 500;
  const want = Math.ceil((Math.max(0, rate) * (opts.targetLatencyMs ?? 3000)) / 1000 / BLOCK_SIZE);
  return Math.max(min, Math.min(max, Number.isFinite(want) ? want : max));
}

export interface PipelineCheck {
  snubbed: boolean;
  /** Requests given up on: hand each to picker.onRequestFailed (and send CANCEL). */
  expired: BlockRequest[];
}

export class RequestPipeline {
  readonly #opts: Required<Omit<PipelineOptions, 'clock'>>;
  readonly #clock: Clock;
  /** In send order: Map iteration order is insertion order, so the oldest request is first. */
  readonly #out = new Map<number, { req: BlockRequest; at: number }>();
  #lastProgress: number;
  #snubbed = false;

  constructor(opts: PipelineOptions = {}) {
    this.#clock = opts.clock ?? (() => performance.now());
    this.#opts = {
      targetLatencyMs: opts.targetLatencyMs ?? 3000,
      minDepth: opts.minDepth ?? 2,
      maxDepth: opts.maxDepth ?? 500,
      snubTimeoutMs: opts.snubTimeoutMs ?? 60_000,
      requestTimeoutMs: opts.requestTimeoutMs ?? 60_000,
    };
    this.#lastProgress = this.#clock();
  }

  get size(): number {
    return this.#out.size;
  }

  get snubbed(): boolean {
    return this.#snubbed;
  }

  /** How many more requests to send now, given the peer's download rate. A snubbing peer gets 1 in flight. */
  room(rate: number): number {
    const depth = this.#snubbed ? 1 : queueDepth(rate, this.#opts);
    return Math.max(0, depth - this.#out.size);
  }

  sent(req: BlockRequest): void {
    const now = this.#clock();
    // The snub clock starts when the queue stops being empty, not at the last block ever received.
    if (this.#out.size === 0) this.#lastProgress = Math.max(this.#lastProgress, now);
    this.#out.set(key(req.piece, req.begin), { req, at: now });
  }

  /** A block arrived; false if it was not outstanding here (unrequested or already given up). */
  received(piece: number, begin: number): boolean {
    const had = this.#out.delete(key(piece, begin));
    if (had) {
      this.#lastProgress = this.#clock();
      this.#snubbed = false;
    }
    return had;
  }

  /** We cancelled, the peer rejected it, or the picker cancelled it in endgame. */
  remove(piece: number, begin: number): boolean {
    return this.#out.delete(key(piece, begin));
  }

  /** Every outstanding request, emptied (on choke without the fast extension, or disconnect). */
  drain(): BlockRequest[] {
    const all = [...this.#out.values()].map((e) => e.req);
    this.#out.clear();
    return all;
  }

  /** Call every few seconds: updates snubbed state and gives up on requests past their timeout. */
  check(): PipelineCheck {
    const now = this.#clock();
    if (this.#out.size > 0 && now - this.#lastProgress >= this.#opts.snubTimeoutMs) this.#snubbed = true;
    const expired: BlockRequest[] = [];
    for (const [k, e] of this.#out) {
      if (now - e.at < this.#opts.requestTimeoutMs) break; // the rest are younger
      expired.push(e.req);
      this.#out.delete(k);
    }
    return { snubbed: this.#snubbed, expired };
  }
}

// piece * 2^16 + block index: unique while a piece has fewer than 65536 blocks (1 GiB pieces).
function key(piece: number, begin: number): number {
  return piece * 65536 + Math.floor(begin / BLOCK_SIZE);
}
