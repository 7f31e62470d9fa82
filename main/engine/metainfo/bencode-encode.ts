// Canonical bencode encoder over the same value model as bdecode.ts (pure). Dictionary keys are
// sorted by raw bytes, as BEP 3 requires. (The `bencode` package sorts string keys by UTF-16
// code units and Uint8Array keys by their toString(), so it mis-orders non-ASCII file names and
// the binary 'piece layers' keys; it remains the oracle for ASCII data in the tests.)
import type { BDict, BValue } from './bdecode.ts';
import { keyOf } from './bdecode.ts';

const enc = new TextEncoder();

class Out {
  parts: Uint8Array[] = [];
  size = 0;
  push(u: Uint8Array): void { this.parts.push(u); this.size += u.length; }
  ascii(s: string): void { this.push(enc.encode(s)); }
}

function write(out: Out, v: BValue): void {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`cannot bencode non-integer ${v}`);
    out.ascii(`i${v}e`);
  } else if (typeof v === 'bigint') {
    out.ascii(`i${v}e`);
  } else if (v instanceof Uint8Array) {
    out.ascii(`${v.length}:`);
    out.push(v);
  } else if (Array.isArray(v)) {
    out.ascii('l');
    for (const x of v) write(out, x);
    out.ascii('e');
  } else {
    out.ascii('d');
    // latin1 keys compare by code unit == by byte.
    const keys = [...v.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const k of keys) {
      out.ascii(`${k.length}:`);
      const kb = new Uint8Array(k.length);
      for (let i = 0; i < k.length; i++) kb[i] = k.charCodeAt(i);
      out.push(kb);
      write(out, v.get(k) as BValue);
    }
    out.ascii('e');
  }
}

export function bencode(v: BValue): Uint8Array {
  const out = new Out();
  write(out, v);
  const r = new Uint8Array(out.size);
  let o = 0;
  for (const p of out.parts) { r.set(p, o); o += p.length; }
  return r;
}

/** Builds a BDict from UTF-8 names; undefined values are left out. Strings become UTF-8 bytes. */
export function dict(entries: Record<string, BValue | string | undefined>): BDict {
  const d: BDict = new Map();
  for (const [k, v] of Object.entries(entries)) {
    if (v === undefined) continue;
    d.set(keyOf(k), typeof v === 'string' ? enc.encode(v) : v);
  }
  return d;
}

export function str(s: string): Uint8Array {
  return enc.encode(s);
}
