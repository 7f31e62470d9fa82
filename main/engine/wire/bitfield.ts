// A fixed-length bit set laid out like the BEP 3 wire bitfield: MSB-first, piece 0 is the high bit
// of byte 0, and the spare bits at the end of the last byte are always zero.
// Pure: shared by the wire codec, the picker and the UI snapshot (bytes go out as they are).

import { TesseraError } from '../errors.ts';

// Population count of every byte value, so count() on construction is one table lookup per byte.
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + (POPCOUNT[i >> 1] ?? 0);

export class Bitfield {
  readonly length: number;
  readonly bytes: Uint8Array;
  #count: number;

  /** `bytes`, when given, is used as the backing store (not copied); it must be exactly ceil(length/8) bytes. */
  constructor(length: number, bytes?: Uint8Array) {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new TesseraError('BAD_ARGUMENT', `bitfield length must be a non-negative integer, got ${length}`);
    }
    const size = Math.ceil(length / 8);
    if (bytes === undefined) {
      this.bytes = new Uint8Array(size);
      this.#count = 0;
    } else {
      if (bytes.length !== size) {
        throw new TesseraError('BAD_ARGUMENT', `bitfield of ${length} bits needs ${size} bytes, got ${bytes.length}`);
      }
      this.bytes = bytes;
      // Spare bits must stay clear so that count(), isFull() and the wire form agree.
      const spare = size * 8 - length;
      if (spare > 0) bytes[size - 1] = (bytes[size - 1] ?? 0) & ((0xff << spare) & 0xff);
      let c = 0;
      for (let i = 0; i < size; i++) c += POPCOUNT[bytes[i] ?? 0] ?? 0;
      this.#count = c;
    }
    this.length = length;
  }

  /** Parse a bitfield received from a peer: wrong size or any spare bit set is a protocol error (BEP 3). */
  static fromWire(bytes: Uint8Array, length: number): Bitfield {
    const size = Math.ceil(length / 8);
    if (bytes.length !== size) {
      throw new TesseraError('WIRE_PROTOCOL', `bitfield has ${bytes.length} bytes, expected ${size} for ${length} pieces`);
    }
    const spare = size * 8 - length;
    if (spare > 0 && ((bytes[size - 1] ?? 0) & ((1 << spare) - 1)) !== 0) {
      throw new TesseraError('WIRE_PROTOCOL', 'bitfield has spare bits set');
    }
    return new Bitfield(length, Uint8Array.from(bytes));
  }

  /** Build a bitfield with every bit set (a seed, or BEP 6 have-all). */
  static full(length: number): Bitfield {
    const b = new Bitfield(length);
    b.setAll();
    return b;
  }

  get(i: number): boolean {
    if (i < 0 || i >= this.length) return false;
    return ((this.bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0;
  }

  set(i: number): void {
    this.#check(i);
    const j = i >> 3;
    const mask = 0x80 >> (i & 7);
    const b = this.bytes[j] ?? 0;
    if ((b & mask) === 0) {
      this.bytes[j] = b | mask;
      this.#count++;
    }
  }

  clear(i: number): void {
    this.#check(i);
    const j = i >> 3;
    const mask = 0x80 >> (i & 7);
    const b = this.bytes[j] ?? 0;
    if ((b & mask) !== 0) {
      this.bytes[j] = b & ~mask;
      this.#count--;
    }
  }

  /** Number of set bits, O(1). */
  count(): number {
    return this.#count;
  }

  isFull(): boolean {
    return this.#count === this.length;
  }

  isEmpty(): boolean {
    return this.#count === 0;
  }

  setAll(): void {
    const size = this.bytes.length;
    if (size === 0) return;
    this.bytes.fill(0xff);
    const spare = size * 8 - this.length;
    if (spare > 0) this.bytes[size - 1] = (0xff << spare) & 0xff;
    this.#count = this.length;
  }

  clearAll(): void {
    this.bytes.fill(0);
    this.#count = 0;
  }

  clone(): Bitfield {
    return new Bitfield(this.length, Uint8Array.from(this.bytes));
  }

  /** The wire form (a copy, safe to hand to a socket while this bitfield keeps changing). */
  toWire(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  /** Indices of set bits in ascending order; skips zero bytes whole, so sparse fields are cheap. */
  *setBits(): IterableIterator<number> {
    const bytes = this.bytes;
    for (let j = 0; j < bytes.length; j++) {
      let b = bytes[j] ?? 0;
      if (b === 0) continue;
      const base = j << 3;
      while (b !== 0) {
        // Math.clz32 finds the highest set bit; in a byte, bit 7 is piece base+0.
        const k = Math.clz32(b) - 24;
        yield base + k;
        b &= ~(0x80 >> k);
      }
    }
  }

  /** Indices of clear bits in ascending order (pieces still missing); skips full bytes whole. */
  *clearBits(): IterableIterator<number> {
    const bytes = this.bytes;
    for (let j = 0; j < bytes.length; j++) {
      const b = bytes[j] ?? 0;
      if (b === 0xff) continue;
      const base = j << 3;
      for (let k = 0; k < 8; k++) {
        const i = base + k;
        if (i >= this.length) return;
        if ((b & (0x80 >> k)) === 0) yield i;
      }
    }
  }

  #check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new TesseraError('BAD_ARGUMENT', `bit index ${i} out of range 0..${this.length - 1}`);
    }
  }
}
