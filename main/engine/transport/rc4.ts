// RC4, for BEP-less but universal Message Stream Encryption (MSE/PE). Node's OpenSSL 3 only ships
// 'rc4' in the legacy provider, which is off by default, so the cipher is written here: a 256-byte
// state in a Uint8Array, transforming buffers in place (the wire path never copies for it).

export class Rc4 {
  #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(key: Uint8Array, discard = 0) {
    if (key.length === 0 || key.length > 256) throw new RangeError('RC4 key must be 1..256 bytes');
    const s = this.#s;
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

  /** Advance the keystream without output (MSE drops the first 1024 bytes: early RC4 output is biased). */
  skip(n: number): void {
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

  /** XOR the keystream into `buf` (in place) and return it. Encryption and decryption are the same. */
  process(buf: Uint8Array, start = 0, end = buf.length): Uint8Array {
    const s = this.#s;
    let i = this.#i;
    let j = this.#j;
    for (let k = start; k < end; k++) {
      i = (i + 1) & 0xff;
      const si = s[i] as number;
      j = (j + si) & 0xff;
      const sj = s[j] as number;
      s[i] = sj;
      s[j] = si;
      buf[k] = (buf[k] as number) ^ (s[(si + sj) & 0xff] as number);
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
