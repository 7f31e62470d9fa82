// MSB-first bit arrays, the layout of the wire bitfield and of TorrentDetail.have/downloading.

export function testBit(bits: Uint8Array, i: number): boolean {
  const byte = bits[i >> 3];
  return byte !== undefined && (byte & (0x80 >> (i & 7))) !== 0;
}

/** Set bits in [first, end). Whole bytes are counted with a popcount table. */
export function countBits(bits: Uint8Array, first: number, end: number): number {
  let n = 0;
  let i = first;
  while (i < end && (i & 7) !== 0) { if (testBit(bits, i)) n++; i++; }
  while (i + 8 <= end) { n += POPCOUNT[bits[i >> 3] ?? 0] ?? 0; i += 8; }
  while (i < end) { if (testBit(bits, i)) n++; i++; }
  return n;
}

/** Pieces set in `a` and clear in `b` among the first `count` (e.g. requested and not yet had). */
export function countAndNot(a: Uint8Array, b: Uint8Array, count: number): number {
  let n = 0;
  const whole = count >> 3;
  for (let k = 0; k < whole; k++) n += POPCOUNT[(a[k] ?? 0) & ~(b[k] ?? 0) & 0xff] ?? 0;
  const rest = count & 7;
  // The spare bits after the last piece do not count, whatever they hold.
  if (rest) n += POPCOUNT[(a[whole] ?? 0) & ~(b[whole] ?? 0) & (0xff << (8 - rest)) & 0xff] ?? 0;
  return n;
}

const POPCOUNT = new Uint8Array(256);
for (let b = 0; b < 256; b++) POPCOUNT[b] = (b & 1) + (POPCOUNT[b >> 1] ?? 0);

/** Build an MSB-first bit array from a predicate (tests, synthetic feed). */
export function bitsFrom(count: number, has: (i: number) => boolean): Uint8Array {
  const out = new Uint8Array(Math.ceil(count / 8));
  for (let i = 0; i < count; i++) if (has(i)) out[i >> 3] = (out[i >> 3] ?? 0) | (0x80 >> (i & 7));
  return out;
}
