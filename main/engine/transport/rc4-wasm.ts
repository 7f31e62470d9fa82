// The WebAssembly RC4 (rc4.wat) behind Rc4: one module instance per thread, shared by every
// stream — a stream's state (S, i, j: 258 bytes) is copied into the instance's memory for the
// call and back out, so instances need no allocation or freeing. Data is processed in chunks of
// at most CHUNK bytes, copied in and out (two memcpys: cheap next to RC4's serial S-box chain).
import { RC4_WASM_BASE64 } from './rc4-wasm-binary.ts';

const DATA = 1024;
const CHUNK = 256 * 1024;
const PAGE = 65536;

interface Rc4Exports {
  memory: WebAssembly.Memory;
  crypt: (len: number) => void;
}

let shared: Rc4Wasm | null | undefined;

export class Rc4Wasm {
  readonly #crypt: (len: number) => void;
  readonly #mem: Uint8Array;

  private constructor(exports: Rc4Exports) {
    const pages = Math.ceil((DATA + CHUNK) / PAGE);
    const have = exports.memory.buffer.byteLength / PAGE;
    if (have < pages) exports.memory.grow(pages - have);
    this.#crypt = exports.crypt;
    this.#mem = new Uint8Array(exports.memory.buffer); // no further growth, so this view stays valid
  }

  /** This thread's instance, or null where WebAssembly is unavailable (the caller uses TS then). */
  static shared(): Rc4Wasm | null {
    if (shared === undefined) {
      try {
        const mod = new WebAssembly.Module(Buffer.from(RC4_WASM_BASE64, 'base64'));
        const exports = new WebAssembly.Instance(mod).exports as unknown as Rc4Exports;
        shared = new Rc4Wasm(exports);
        // V8 runs new wasm code on its baseline compiler (~5x slower here) until a hot loop
        // triggers the optimising tier: one throwaway chunk now, before any stream needs speed.
        exports.crypt(CHUNK);
      } catch {
        shared = null;
      }
    }
    return shared;
  }

  /** XORs the keystream of `state` (updated) into buf[start, end) in place. */
  process(state: Uint8Array, buf: Uint8Array, start: number, end: number): void {
    const mem = this.#mem;
    mem.set(state, 0);
    for (let at = start; at < end; at += CHUNK) {
      const len = Math.min(CHUNK, end - at);
      mem.set(buf.subarray(at, at + len), DATA);
      this.#crypt(len);
      buf.set(mem.subarray(DATA, DATA + len), at);
    }
    state.set(mem.subarray(0, 258));
  }
}
