// A small strict bencode codec for untrusted peer and tracker bytes.
// Why not the npm `bencode` decoder: it silently truncates short strings, accepts floats and
// leading zeros, assigns '__proto__' keys onto plain objects and recurses without a depth bound.
// Here: dicts are null-prototype Maps, integers must be canonical and safe, nesting is bounded,
// and every error is a TesseraError.

import { TesseraError } from '../errors.ts';

export type BValue = number | Uint8Array | BValue[] | BDict;
export type BDict = Map<string, BValue>;

export interface BDecodeOptions {
  /** Deepest nesting of lists/dicts. Default 64. */
  maxDepth?: number;
  /** Accept bytes after the first value (BEP 9 ut_metadata data messages carry the piece after the dict). */
  allowTrailing?: boolean;
}

export interface BDecodeResult {
  value: BValue;
  /** Bytes consumed by the value. */
  end: number;
}

const latin1 = new TextDecoder('latin1');

function fail(msg: string, pos: number): never {
  throw new TesseraError('BENCODE_INVALID', `${msg} at byte ${pos}`);
}

export function bdecodePrefix(data: Uint8Array, opts: BDecodeOptions = {}): BDecodeResult {
  const maxDepth = opts.maxDepth ?? 64;
  let pos = 0;

  function int(endByte: number): number {
    // i-?[1-9][0-9]*e | i0e
    const start = pos;
    let neg = false;
    if (data[pos] === 0x2d) {
      neg = true;
      pos++;
    }
    const digitsStart = pos;
    let n = 0;
    while (pos < data.length && data[pos] !== endByte) {
      const d = (data[pos] ?? 0) - 0x30;
      if (d < 0 || d > 9) fail('bad digit in integer', pos);
      n = n * 10 + d;
      pos++;
      if (pos - digitsStart > 16) fail('integer too long', start);
    }
    if (pos >= data.length) fail('unterminated integer', start);
    const digits = pos - digitsStart;
    if (digits === 0) fail('empty integer', start);
    if (digits > 1 && data[digitsStart] === 0x30) fail('leading zero in integer', start);
    if (neg && n === 0) fail('negative zero', start);
    if (!Number.isSafeInteger(n)) fail('integer too large', start);
    pos++; // the terminator
    return neg ? -n : n;
  }

  function str(): Uint8Array {
    const start = pos;
    const len = int(0x3a);
    if (len < 0) fail('negative string length', start);
    if (pos + len > data.length) fail('string runs past the end', start);
    const out = data.subarray(pos, pos + len);
    pos += len;
    return out;
  }

  function value(depth: number): BValue {
    const b = data[pos];
    if (b === undefined) fail('unexpected end', pos);
    if (b === 0x69) {
      pos++;
      return int(0x65);
    }
    if (b === 0x6c || b === 0x64) {
      if (depth >= maxDepth) fail('nesting too deep', pos);
      pos++;
      if (b === 0x6c) {
        const list: BValue[] = [];
        while (data[pos] !== 0x65) {
          if (pos >= data.length) fail('unterminated list', pos);
          list.push(value(depth + 1));
        }
        pos++;
        return list;
      }
      const dict: BDict = new Map();
      while (data[pos] !== 0x65) {
        if (pos >= data.length) fail('unterminated dict', pos);
        const c = data[pos];
        if (c === undefined || c < 0x30 || c > 0x39) fail('dict key is not a string', pos);
        const keyBytes = str();
        // Keys must be sorted and unique (BEP 3); we tolerate order (some trackers get it wrong)
        // but not duplicates, which would let two parsers see different values.
        const key = latin1.decode(keyBytes);
        if (dict.has(key)) fail(`duplicate key ${JSON.stringify(key)}`, pos);
        dict.set(key, value(depth + 1));
      }
      pos++;
      return dict;
    }
    if (b >= 0x30 && b <= 0x39) return str();
    return fail(`unexpected byte 0x${b.toString(16)}`, pos);
  }

  const v = value(0);
  if (opts.allowTrailing !== true && pos !== data.length) fail('trailing bytes', pos);
  return { value: v, end: pos };
}

export function bdecode(data: Uint8Array, opts: BDecodeOptions = {}): BValue {
  return bdecodePrefix(data, opts).value;
}

// --- typed accessors for parsed dicts (all tolerant: a wrong type reads as absent) -------------

export function isDict(v: BValue | undefined): v is BDict {
  return v instanceof Map;
}
export function getInt(d: BDict, key: string): number | undefined {
  const v = d.get(key);
  return typeof v === 'number' ? v : undefined;
}
export function getBytes(d: BDict, key: string): Uint8Array | undefined {
  const v = d.get(key);
  return v instanceof Uint8Array ? v : undefined;
}
export function getString(d: BDict, key: string): string | undefined {
  const v = getBytes(d, key);
  return v === undefined ? undefined : new TextDecoder('utf-8').decode(v);
}
export function getDict(d: BDict, key: string): BDict | undefined {
  const v = d.get(key);
  return v instanceof Map ? v : undefined;
}
export function getList(d: BDict, key: string): BValue[] | undefined {
  const v = d.get(key);
  return Array.isArray(v) ? v : undefined;
}

// --- encoder ---------------------------------------------------------------------------------

export type BEncodable = number | string | Uint8Array | BEncodable[] | Map<string, BEncodable> | { [k: string]: BEncodable | undefined };

const utf8 = new TextEncoder();

export function bencode(v: BEncodable): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const put = (b: Uint8Array): void => {
    parts.push(b);
    total += b.length;
  };
  const ascii = (s: string): void => put(utf8.encode(s));
  const bytes = (b: Uint8Array): void => {
    ascii(`${b.length}:`);
    put(b);
  };
  const walk = (x: BEncodable): void => {
    if (typeof x === 'number') {
      if (!Number.isSafeInteger(x)) throw new TesseraError('BAD_ARGUMENT', `cannot bencode non-integer ${x}`);
      ascii(`i${x}e`);
    } else if (typeof x === 'string') {
      bytes(utf8.encode(x));
    } else if (x instanceof Uint8Array) {
      bytes(x);
    } else if (Array.isArray(x)) {
      ascii('l');
      for (const e of x) walk(e);
      ascii('e');
    } else {
      const entries: [string, BEncodable][] = [];
      if (x instanceof Map) for (const [k, e] of x) entries.push([k, e]);
      else for (const k of Object.keys(x)) { const e = x[k]; if (e !== undefined) entries.push([k, e]); }
      // Keys sorted as raw byte strings (BEP 3).
      const keyed = entries.map(([k, e]) => [keyBytes(k), e] as const);
      keyed.sort((a, b) => compareBytes(a[0], b[0]));
      ascii('d');
      for (const [k, e] of keyed) {
        bytes(k);
        walk(e);
      }
      ascii('e');
    }
  };
  walk(v);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Keys decode as latin1 (one char per byte, so binary keys such as scrape info-hashes survive); encode them the same way. */
function keyBytes(k: string): Uint8Array {
  if (!/^[\u0000-\u00ff]*$/.test(k)) return utf8.encode(k);
  const out = new Uint8Array(k.length);
  for (let i = 0; i < k.length; i++) out[i] = k.charCodeAt(i);
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
