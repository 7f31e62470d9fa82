// Block-level state of one piece being downloaded: which 16 KiB blocks are free, requested (and
// from whom) or received, and which peers contributed data (to blame on a hash failure). Pure.

export const BLOCK_SIZE = 16 * 1024;

export interface BlockRequest {
  piece: number;
  begin: number;
  length: number;
}

export interface Cancel extends BlockRequest {
  peerKey: number;
}

const FREE = 0;
const REQUESTED = 1;
const RECEIVED = 2;
const NOBODY = -1;

export class DownloadingPiece {
  readonly size: number;
  readonly blocks: number;
  #free: number;
  #received = 0;
  /** Lowest block index that may be free: takeFree() scans from here, so a piece costs O(blocks) in all. */
  #hint = 0;
  readonly #state: Uint8Array;
  /** First requester of each block; NOBODY when none. Endgame extras live in #more. */
  readonly #owner: Float64Array;
  #more: Map<number, number[]> | undefined;
  readonly contributors = new Set<number>();

  constructor(size: number) {
    this.size = size;
    this.blocks = Math.ceil(size / BLOCK_SIZE);
    this.#free = this.blocks;
    this.#state = new Uint8Array(this.blocks);
    this.#owner = new Float64Array(this.blocks).fill(NOBODY);
  }

  get free(): number {
    return this.#free;
  }

  get received(): number {
    return this.#received;
  }

  blockLength(b: number): number {
    return b === this.blocks - 1 ? this.size - b * BLOCK_SIZE : BLOCK_SIZE;
  }

  isFree(b: number): boolean {
    return this.#state[b] === FREE;
  }

  isRequested(b: number): boolean {
    return this.#state[b] === REQUESTED;
  }

  isReceived(b: number): boolean {
    return this.#state[b] === RECEIVED;
  }

  /** Mark the lowest free block requested by `peer`; its index, or -1 when none is free. */
  takeFree(peer: number): number {
    if (this.#free === 0) return -1;
    for (let b = this.#hint; b < this.blocks; b++) {
      if (this.#state[b] !== FREE) continue;
      this.#state[b] = REQUESTED;
      this.#owner[b] = peer;
      this.#free--;
      this.#hint = b + 1;
      return b;
    }
    return -1;
  }

  requesters(b: number): number[] {
    const o = this.#owner[b] ?? NOBODY;
    if (o === NOBODY) return [];
    const more = this.#more?.get(b);
    return more ? [o, ...more] : [o];
  }

  requesterCount(b: number): number {
    const o = this.#owner[b] ?? NOBODY;
    if (o === NOBODY) return 0;
    return 1 + (this.#more?.get(b)?.length ?? 0);
  }

  hasRequester(b: number, peer: number): boolean {
    return this.#owner[b] === peer || (this.#more?.get(b)?.includes(peer) ?? false);
  }

  /** An extra (endgame) requester of a block already requested. */
  addRequester(b: number, peer: number): void {
    if (this.#state[b] !== REQUESTED || this.hasRequester(b, peer)) return;
    this.#more ??= new Map();
    const more = this.#more.get(b);
    if (more) more.push(peer);
    else this.#more.set(b, [peer]);
  }

  /** Drop one requester; the block turns free when nobody is left. False when `peer` was not one. */
  removeRequester(b: number, peer: number): boolean {
    if (this.#state[b] !== REQUESTED) return false;
    const more = this.#more?.get(b);
    if (this.#owner[b] === peer) {
      const next = more?.shift();
      if (more && more.length === 0) this.#more?.delete(b);
      this.#owner[b] = next ?? NOBODY;
    } else {
      const k = more?.indexOf(peer) ?? -1;
      if (!more || k < 0) return false;
      more.splice(k, 1);
      if (more.length === 0) this.#more?.delete(b);
      return true;
    }
    if (this.#owner[b] === NOBODY) {
      this.#state[b] = FREE;
      this.#free++;
      if (b < this.#hint) this.#hint = b;
    }
    return true;
  }

  /** The block's data arrived from `peer` (requested or not): it is no longer anyone's to send. */
  markReceived(b: number, peer: number): void {
    const s = this.#state[b];
    if (s === RECEIVED) return;
    if (s === FREE) this.#free--;
    this.#state[b] = RECEIVED;
    this.#owner[b] = NOBODY;
    this.#more?.delete(b);
    this.#received++;
    this.contributors.add(peer);
  }
}
