// BEP 15 connection ids without per-client state: id = first 8 bytes of
// HMAC-SHA256(secret, epoch || client ip). The secret rotates every `rotateMs`; ids from the
// current and the previous secret are accepted, so an id lives between one and two rotation
// periods (BEP 15 asks for at least two minutes: the default rotation is 2 minutes). A client
// that spoofs its source address never sees the id sent to that address, and cannot compute one
// without the secret. The port is left out on purpose: NATs may move a client's source port
// between its connect and its announce.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class ConnectionIds {
  readonly #rotateMs: number;
  readonly #now: () => number;
  #epoch: number;
  #current: Buffer;
  #previous: Buffer;

  constructor(opts: { rotateMs?: number; now?: () => number } = {}) {
    this.#rotateMs = opts.rotateMs ?? 120_000;
    this.#now = opts.now ?? Date.now;
    this.#epoch = Math.floor(this.#now() / this.#rotateMs);
    this.#current = randomBytes(32);
    this.#previous = randomBytes(32);
  }

  #rotate(): void {
    const epoch = Math.floor(this.#now() / this.#rotateMs);
    if (epoch === this.#epoch) return;
    // After a gap of more than one period the old secret is stale too: replace both.
    this.#previous = epoch === this.#epoch + 1 ? this.#current : randomBytes(32);
    this.#current = randomBytes(32);
    this.#epoch = epoch;
  }

  #mac(secret: Buffer, ip: string): Buffer {
    return createHmac('sha256', secret).update(ip).digest().subarray(0, 8);
  }

  /** The id to hand to a client at address `ip` (any textual form, used as given). */
  issue(ip: string): Buffer {
    this.#rotate();
    return this.#mac(this.#current, ip);
  }

  verify(id: Uint8Array, ip: string): boolean {
    if (id.length !== 8) return false;
    this.#rotate();
    return timingSafeEqual(id, this.#mac(this.#current, ip)) || timingSafeEqual(id, this.#mac(this.#previous, ip));
  }
}
