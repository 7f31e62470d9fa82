// The bytes a uTP connection has accepted from the application and not yet cut into packets: a
// list of chunks (never re-joined on write), from which take(n) cuts one packet's payload,
// copying only when the payload spans chunks.

export class SendQueue {
  #chunks: Buffer[] = [];
  #bytes = 0;

  /** Bytes queued. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Queue a chunk the queue may keep (the caller copies a buffer the writer may reuse). */
  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  /** The next `n` bytes (1 <= n <= bytes), removed from the queue. */
  take(n: number): Uint8Array {
    const head = this.#chunks[0] as Buffer;
    this.#bytes -= n;
    if (head.length === n) { this.#chunks.shift(); return head; }
    if (head.length > n) { this.#chunks[0] = head.subarray(n); return head.subarray(0, n); }
    const out = Buffer.allocUnsafe(n);
    let o = 0;
    while (o < n) {
      const c = this.#chunks[0] as Buffer;
      const k = Math.min(c.length, n - o);
      c.copy(out, o, 0, k);
      o += k;
      if (k === c.length) this.#chunks.shift(); else this.#chunks[0] = c.subarray(k);
    }
    return out;
  }

  clear(): void {
    this.#chunks = [];
    this.#bytes = 0;
  }
}
