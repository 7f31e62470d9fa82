// RC4, for BEP-less but universal Message Stream Encryption (MSE/PE). Node 20's OpenSSL 3 only
// ships 'rc4' in the legacy provider, which is off by default, so the cipher is written here; where
// the runtime does offer a native 'rc4' (another OpenSSL build, Electron's BoringSSL) it is used
// instead. Buffers are transformed in place: the wire path never copies for the TS cipher.
import { createCipheriv, getCiphers, type Cipher } from 'node:crypto';

/** Little-endian hosts can XOR four keystream bytes as one 32-bit word (byte k lands in bits 8k). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many bytes the word path's alignment bookkeeping and view cost more than they save. */
const WORD_MIN = 32;

let nativeChecked: boolean | undefined;
/** Whether this runtime's crypto has a working RC4 (checked once: getCiphers can list what fails). */
export function nativeRc4Available(): boolean {
  if (nativeChecked === undefined) {
    try {
      nativeChecked = getCiphers().includes('rc4');
      if (nativeChecked) createCipheriv('rc4', new Uint8Array(16), null);
    } catch {
      nativeChecked = false;
    }
  }
  return nativeChecked;
}

export interface Rc4Options {
  /** 'auto' (default): native when the runtime has it, else TS. 'ts' forces the TS cipher (tests, benchmarks). */
  impl?: 'auto' | 'ts';
}

export class Rc4 {
  readonly #s = new Uint8Array(256);
  #i = 0;
  #j = 0;
  readonly #native: Cipher | null;

  constructor(key: Uint8Array, discard = 0, opts: Rc4Options = {}) {
    if (key.length === 0 || key.length > 256) throw new RangeError('RC4 key must be 1..256 bytes');
    this.#native = opts.impl !== 'ts' && nativeRc4Available() ? createCipheriv('rc4', key, null) : null;
    if (this.#native === null) {
      const s = this.#s;
      for (let i = 0; i < 256; i++) s[i] = i;
      let j = 0;
      for (let i = 0; i < 256; i++) {
        const si = s[i] as number;
        j = (j + si + (key[i % key.length] as number)) & 0xff;
        s[i] = s[j] as number;
        s[j] = si;
      }
    }
    if (discard > 0) this.skip(discard);
  }

  /** Which cipher runs underneath. */
  get impl(): 'native' | 'ts' {
    return this.#native === null ? 'ts' : 'native';
  }

  /** Advance the keystream without output (MSE drops the first 1024 bytes: early RC4 output is biased). */
  skip(n: number): void {
    const native = this.#native;
    if (native !== null) {
      // Bounded scratch: n comes from peer-chosen padding lengths (<= 512 in MSE), but stay safe.
      const zeros = new Uint8Array(Math.min(n, 16384));
      for (let left = n; left > 0; left -= zeros.length) native.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
      return;
    }
    const s = this.#s;
    let i = this.#i;
    let j = this.#j;
    for (let k = 0; k < n; k++) {
      i = (i + 1) & 0xff;
      const si = s[i] as number;
      j = (j + si) & 0xff;
      s[i] = s[j] as number;
      s[j] = si;
    }
    this.#i = i;
    this.#j = j;
  }

  /** XOR the keystream into `buf[start, end)` (in place) and return `buf`. Encryption and decryption are the same. */
  process<T extends Uint8Array>(buf: T, start = 0, end = buf.length): T {
    if (end <= start) return buf;
    const native = this.#native;
    if (native !== null) {
      buf.set(native.update(buf.subarray(start, end)), start);
      return buf;
    }
    // A plain Uint8Array view keeps the loops monomorphic whether callers pass Buffers or Uint8Arrays.
    const b = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    const s = this.#s;
    let i = this.#i;
    let j = this.#j;
    let k = start;
    // Byte path up to 4-byte alignment (or for everything, when short or big-endian).
    const head = LITTLE_ENDIAN && end - start >= WORD_MIN ? (4 - ((b.byteOffset + k) & 3)) & 3 : end - start;
    for (const stop = k + head; k < stop; k++) {
      i = (i + 1) & 0xff;
      const si = s[i] as number;
      j = (j + si) & 0xff;
      const sj = s[j] as number;
      s[i] = sj;
      s[j] = si;
      b[k] = (b[k] as number) ^ (s[(si + sj) & 0xff] as number);
    }
    // Word path: four keystream bytes gathered into one 32-bit XOR (one load and store per 4 bytes;
    // measured ~1.8x the byte loop on V8).
    const words = (end - k) >>> 2;
    if (words > 0) {
      const w = new Uint32Array(b.buffer, b.byteOffset + k, words);
      for (let n = 0; n < words; n++) {
        i = (i + 1) & 0xff;
        let si = s[i] as number;
        j = (j + si) & 0xff;
        let sj = s[j] as number;
        s[i] = sj;
        s[j] = si;
        let x = s[(si + sj) & 0xff] as number;
        i = (i + 1) & 0xff;
        si = s[i] as number;
        j = (j + si) & 0xff;
        sj = s[j] as number;
        s[i] = sj;
        s[j] = si;
        x |= (s[(si + sj) & 0xff] as number) << 8;
        i = (i + 1) & 0xff;
        si = s[i] as number;
        j = (j + si) & 0xff;
        sj = s[j] as number;
        s[i] = sj;
        s[j] = si;
        x |= (s[(si + sj) & 0xff] as number) << 16;
        i = (i + 1) & 0xff;
        si = s[i] as number;
        j = (j + si) & 0xff;
        sj = s[j] as number;
        s[i] = sj;
        s[j] = si;
        x |= (s[(si + sj) & 0xff] as number) << 24;
        w[n] = (w[n] as number) ^ x;
      }
      k += words << 2;
    }
    for (; k < end; k++) {
      i = (i + 1) & 0xff;
      const si = s[i] as number;
      j = (j + si) & 0xff;
      const sj = s[j] as number;
      s[i] = sj;
      s[j] = si;
      b[k] = (b[k] as number) ^ (s[(si + sj) & 0xff] as number);
    }
    this.#i = i;
    this.#j = j;
    return buf;
  }

  /** A fresh buffer with `src` transformed (for callers whose input must stay untouched). */
  processCopy(src: Uint8Array): Uint8Array {
    const out = new Uint8Array(src.length);
    out.set(src);
    return this.process(out);
  }
}
