// RC4, for BEP-less but universal Message Stream Encryption (MSE/PE). Node 20's OpenSSL 3 only
// ships 'rc4' in the legacy provider (off by default, and unoptimised there: ~50 MB/s measured),
// so the cipher is ours: bulk data goes through rc4.wat compiled to WebAssembly (8 keystream bytes
// per 64-bit XOR: ~2.5x a 4-bytes-per-XOR TypeScript loop, ~4x the textbook loop below; see
// bench/mse.ts), short buffers and
// hosts without WebAssembly through the TypeScript loop below. Both keep the same state (S, i, j)
// in this object, so a stream may switch between them call by call. Buffers are transformed in place.
import { Rc4Wasm } from './rc4-wasm.ts';

/** From this many bytes the WebAssembly path's call and copies pay off. */
const WASM_MIN = 256;

export interface Rc4Options {
  /** 'auto' (default): WebAssembly for buffers of WASM_MIN bytes and more, else TS. 'ts' forces TypeScript (tests, benchmarks). */
  impl?: 'auto' | 'ts';
}

export class Rc4 {
  /** S (256 bytes), then i and j: the layout rc4.wat works on. */
  readonly #state = new Uint8Array(258);
  readonly #wasm: Rc4Wasm | null;

  constructor(key: Uint8Array, discard = 0, opts: Rc4Options = {}) {
    if (key.length === 0 || key.length > 256) throw new RangeError('RC4 key must be 1..256 bytes');
    this.#wasm = opts.impl === 'ts' ? null : Rc4Wasm.shared();
    const s = this.#state;
    for (let i = 0; i < 256; i++) s[i] = i;
    let j = 0;
    for (let i = 0; i < 256; i++) {
      const si = s[i] as number;
      j = (j + si + (key[i % key.length] as number)) & 0xff;
      s[i] = s[j] as number;
      s[j] = si;
    }
    if (discard > 0) this.skip(discard);
  }

  /** Which cipher runs bulk data. */
  get impl(): 'wasm' | 'ts' {
    return this.#wasm === null ? 'ts' : 'wasm';
  }

  /** Advance the keystream without output (MSE drops the first 1024 bytes: early RC4 output is biased). */
  skip(n: number): void {
    const s = this.#state;
    let i = s[256] as number;
    let j = s[257] as number;
    for (let k = 0; k < n; k++) {
      i = (i + 1) & 0xff;
      const si = s[i] as number;
      j = (j + si) & 0xff;
      s[i] = s[j] as number;
      s[j] = si;
    }
    s[256] = i;
    s[257] = j;
  }

  /** XOR the keystream into `buf[start, end)` (in place) and return `buf`. Encryption and decryption are the same. */
  process<T extends Uint8Array>(buf: T, start = 0, end = buf.length): T {
    if (end <= start) return buf;
    if (this.#wasm !== null && end - start >= WASM_MIN) {
      this.#wasm.process(this.#state, buf, start, end);
      return buf;
    }
    // A plain Uint8Array view keeps the loops monomorphic whether callers pass Buffers or Uint8Arrays.
    // Short buffers (MSE handshake fields, small messages) and hosts without WebAssembly: the
    // textbook loop. A plain Uint8Array view keeps it monomorphic for Buffers and Uint8Arrays.
    const b = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    const s = this.#state;
    let i = s[256] as number;
    let j = s[257] as number;
    for (let k = start; k < end; k++) {
      i = (i + 1) & 0xff;
      const si = s[i] as number;
      j = (j + si) & 0xff;
      const sj = s[j] as number;
      s[i] = sj;
      s[j] = si;
      b[k] = (b[k] as number) ^ (s[(si + sj) & 0xff] as number);
    }
    s[256] = i;
    s[257] = j;
    return buf;
  }

  /** A fresh buffer with `src` transformed (for callers whose input must stay untouched). */
  processCopy(src: Uint8Array): Uint8Array {
    const out = new Uint8Array(src.length);
    out.set(src);
    return this.process(out);
  }
}
