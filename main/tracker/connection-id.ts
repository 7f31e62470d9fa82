// BEP 15 connection ids without per-client state: id = first 8 bytes of SHA-256(secret || client
// ip), with the lowest bit replaced by the parity of the secret's epoch. The secret rotates every
// `rotateMs`; ids from the current and the previous secret are accepted, so an id lives between
// one and two rotation periods (BEP 15 asks for at least two minutes: the default rotation is 2
// minutes). A client that spoofs its source address never sees the id sent to that address, and
// cannot compute one without the secret. The parity bit tells which secret to check, so a
// verification costs one hash. (A secret-prefix hash is a sound MAC here: the message is a
// fixed-length address, so length extension cannot produce another address's id.) The port is
// left out on purpose: NATs may move a client's source port between its connect and announce.
import * as crypto from 'node:crypto';

const SECRET_BYTES = 32;

// crypto.hash (Node >= 20.12) is the one-shot form, about a third cheaper than createHash.
const oneShot = (crypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;
const sha256 = oneShot !== undefined
  ? (data: Uint8Array): Buffer => oneShot('sha256', data, 'buffer')
  : (data: Uint8Array): Buffer => crypto.createHash('sha256').update(data).digest();

export class ConnectionIds {
  readonly #rotateMs: number;
  readonly #now: () => number;
  #epoch: number;
  #current: Buffer;
  #previous: Buffer;
  /** secret || address, rebuilt in place for each hash (addresses are at most 16 bytes). */
  readonly #scratch = Buffer.alloc(SECRET_BYTES + 16);

  constructor(opts: { rotateMs?: number; now?: () => number } = {}) {
    this.#rotateMs = opts.rotateMs ?? 120_000;
    this.#now = opts.now ?? Date.now;
    this.#epoch = Math.floor(this.#now() / this.#rotateMs);
    this.#current = crypto.randomBytes(SECRET_BYTES);
    this.#previous = crypto.randomBytes(SECRET_BYTES);
  }

  #rotate(): void {
    const epoch = Math.floor(this.#now() / this.#rotateMs);
    if (epoch === this.#epoch) return;
    // After a gap of more than one period the old secret is stale too: replace both.
    this.#previous = epoch === this.#epoch + 1 ? this.#current : crypto.randomBytes(SECRET_BYTES);
    this.#current = crypto.randomBytes(SECRET_BYTES);
    this.#epoch = epoch;
  }

  #mac(secret: Buffer, addrBytes: string, parity: number): Buffer {
    secret.copy(this.#scratch, 0);
    const n = this.#scratch.write(addrBytes, SECRET_BYTES, 16, 'latin1');
    const id = sha256(this.#scratch.subarray(0, SECRET_BYTES + n)).subarray(0, 8);
    id[7] = ((id[7] ?? 0) & 0xfe) | parity;
    return id;
  }

  /** The id for a client whose address bytes (4 or 16, latin1) are `addrBytes`. */
  issue(addrBytes: string): Buffer {
    this.#rotate();
    return this.#mac(this.#current, addrBytes, this.#epoch & 1);
  }

  verify(id: Uint8Array, addrBytes: string): boolean {
    if (id.length !== 8) return false;
    this.#rotate();
    const parity = (id[7] ?? 0) & 1;
    const secret = parity === (this.#epoch & 1) ? this.#current : this.#previous;
    return crypto.timingSafeEqual(id, this.#mac(secret, addrBytes, parity));
  }
}
