// The receive side of a uTP connection: packets that arrived past a gap, held until the gap fills.
// Bounded twice: at most `maxAhead` sequence numbers past the next expected packet and at most
// `maxBytes` of payload, so a peer cannot make us hold unbounded data; nothing is held past a FIN.
import { seqLess } from './packet.ts';

export class ReorderBuffer {
  readonly #held = new Map<number, Uint8Array>();
  #bytes = 0;
  /** Sequence number of the peer's FIN once it arrived out of order. */
  #eofSeq: number | undefined;
  readonly #maxAhead: number;
  readonly #maxBytes: number;

  constructor(o: { maxAhead: number; maxBytes: number }) {
    this.#maxAhead = o.maxAhead;
    this.#maxBytes = o.maxBytes;
  }

  /** Payload bytes held (they count against the receive window we advertise). */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#held.size;
  }

  has(seq: number): boolean {
    return this.#held.has(seq);
  }

  /**
   * Hold a DATA or FIN packet `ahead` (> 1) sequence numbers past the last one delivered, unless
   * it is a duplicate, too far ahead, past the FIN, or over the byte budget (then it is dropped:
   * the peer resends after our ack).
   */
  hold(seq: number, payload: Uint8Array, fin: boolean, ahead: number): void {
    if (ahead <= 1 || ahead > this.#maxAhead || this.#held.has(seq)) return;
    if (this.#eofSeq !== undefined && !seqLess(seq, this.#eofSeq)) return;
    if (this.#bytes + payload.length > this.#maxBytes) return;
    if (fin) this.#eofSeq = seq;
    this.#held.set(seq, payload);
    this.#bytes += payload.length;
  }

  /** The packet `seq` if held (removed), and whether it is the FIN. */
  take(seq: number): { payload: Uint8Array; fin: boolean } | undefined {
    const payload = this.#held.get(seq);
    if (payload === undefined) return undefined;
    this.#held.delete(seq);
    this.#bytes -= payload.length;
    return { payload, fin: seq === this.#eofSeq };
  }

  clear(): void {
    this.#held.clear();
    this.#bytes = 0;
  }
}
