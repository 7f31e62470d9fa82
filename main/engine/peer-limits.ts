// The session-wide connection budget shared by every torrent (global maxConnections); each
// torrent also enforces its own per-torrent limit. Counting only: no sockets here.
export class PeerLimits {
  #max: number;
  #used = 0;

  constructor(max: number) {
    this.#max = max;
  }

  setMax(max: number): void {
    this.#max = max;
  }

  get used(): number {
    return this.#used;
  }

  available(): number {
    return Math.max(0, this.#max - this.#used);
  }

  /** Take one slot; false when the session is full. Every true must be paired with release(). */
  acquire(): boolean {
    if (this.#used >= this.#max) return false;
    this.#used++;
    return true;
  }

  release(): void {
    if (this.#used > 0) this.#used--;
  }
}
