// The picker's "open" pieces: being downloaded and still holding unrequested blocks. A dense array
// plus each piece's position in it, so add, remove and membership are O(1) (remove swaps the last
// entry into the hole) and the picker can walk them by index. Pure.

export class OpenPieces {
  readonly #list: number[] = [];
  /** Position of each piece in #list, -1 when not open. */
  readonly #pos: Int32Array;

  constructor(pieceCount: number) {
    this.#pos = new Int32Array(pieceCount).fill(-1);
  }

  get length(): number {
    return this.#list.length;
  }

  /** The piece at index k (0 <= k < length). */
  at(k: number): number {
    return this.#list[k] as number;
  }

  has(piece: number): boolean {
    return (this.#pos[piece] ?? -1) !== -1;
  }

  add(piece: number): void {
    if (this.#pos[piece] !== -1) return;
    this.#pos[piece] = this.#list.length;
    this.#list.push(piece);
  }

  /** Removes by swapping the last piece into its slot: a walk by index must re-read slot k after removing at k. */
  remove(piece: number): void {
    const pos = this.#pos[piece] ?? -1;
    if (pos === -1) return;
    const last = this.#list.pop() as number;
    if (last !== piece) {
      this.#list[pos] = last;
      this.#pos[last] = pos;
    }
    this.#pos[piece] = -1;
  }
}
