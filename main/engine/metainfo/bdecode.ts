// A strict, bounded bencode decoder for untrusted input (pure).
//
// Why not only the `bencode` package's decode: on hostile bytes it loops forever (a negative
// string length moves its cursor backwards: "l-3:e"), recurses without a depth limit, turns
// non-UTF-8 dictionary keys into hex (ambiguous: a file really named "cafe" and the byte pair
// CA FE come out the same), and does not report where the info dictionary's bytes are. This
// decoder checks the grammar strictly, limits nesting depth and token count, returns string
// values as zero-copy views, keeps dictionary keys as raw bytes (a 'latin1' string, one char
// per byte) and records the byte span of every top-level dictionary value.
import { TesseraError } from '../errors.ts';

export type BValue = number | bigint | Uint8Array | BValue[] | BDict;
/** Dictionary keys are the raw key bytes as a latin1 string (lossless). Use keyOf()/keyText(). */
export type BDict = Map<string, BValue>;

export interface DecodeLimits {
  /** Maximum nesting of lists and dictionaries. libtorrent uses 100. */
  maxDepth?: number;
  /** Maximum number of values (strings, integers, lists, dictionaries, keys). Default 4 million. */
  maxTokens?: number;
  /**
   * Budget for the estimated heap the decoded value takes (per-object costs measured on V8: a
   * string view ~128 bytes, a list or dictionary ~160, an entry's key ~40 + its length). Default
   * 32 × the input + 1 MiB, so hostile input ("0:0:0:…", "lelele…") cannot make the decoder
   * allocate more than a bounded multiple of its size. The factor is set by the densest real
   * torrents: a file list of one-letter names costs ~22× its bytes in this representation;
   * typical torrents cost < 2× (their bulk is 'pieces' / 'piece layers', zero-copy views).
   */
  maxHeap?: number;
}

export interface Decoded {
  value: BValue;
  /** For a top-level dictionary: [start, end) byte span of each value, keyed like the dictionary. */
  spans: Map<string, [number, number]>;
}

const EMPTY = new Uint8Array(0);
const D = 0x64, L = 0x6c, I = 0x69, E = 0x65, COLON = 0x3a, MINUS = 0x2d, ZERO = 0x30, NINE = 0x39;

function fail(msg: string, pos: number): never {
  throw new TesseraError('BENCODE_INVALID', `${msg} at byte ${pos}`);
}

export function bdecode(bytes: Uint8Array, limits: DecodeLimits = {}): Decoded {
  const maxDepth = limits.maxDepth ?? 100;
  // Default token budget scales with the input, so memory stays proportional to it: every token
  // needs at least 2 input bytes ("le", "0:"), and no real torrent is denser than ~4 bytes/token.
  const maxTokens = limits.maxTokens ?? 4_000_000;
  const maxHeap = limits.maxHeap ?? 32 * bytes.length + 1024 * 1024;
  let pos = 0;
  let tokens = 0;
  let heap = 0;
  const n = bytes.length;
  const spans = new Map<string, [number, number]>();

  function count(cost: number): void {
    if (++tokens > maxTokens) fail(`more than ${maxTokens} values`, pos);
    heap += cost;
    if (heap > maxHeap) fail(`decoded value would take more than ${maxHeap} bytes of memory`, pos);
  }

  /** Reads a non-negative decimal up to `stop`; no leading zeros. */
  function readLength(): number {
    const start = pos;
    let v = 0;
    while (pos < n && bytes[pos] !== COLON) {
      const c = bytes[pos] as number;
      if (c < ZERO || c > NINE) fail('bad string length', pos);
      if (pos - start >= 15) fail('string length too large', start);
      v = v * 10 + (c - ZERO);
      pos++;
    }
    if (pos >= n) fail('unterminated string length', start);
    if (pos === start) fail('empty string length', start);
    if (bytes[start] === ZERO && pos - start > 1) fail('string length with leading zero', start);
    pos++; // ':'
    if (v > n - pos) fail(`string of ${v} bytes runs past the end`, start);
    return v;
  }

  function readString(): Uint8Array {
    count(128);
    const len = readLength();
    if (len === 0) return EMPTY;
    const s = bytes.subarray(pos, pos + len);
    pos += len;
    return s;
  }

  function readInt(): number | bigint {
    count(16);
    const start = ++pos; // skip 'i'
    let neg = false;
    if (bytes[pos] === MINUS) { neg = true; pos++; }
    const digitsStart = pos;
    while (pos < n && bytes[pos] !== E) {
      const c = bytes[pos] as number;
      if (c < ZERO || c > NINE) fail('bad integer', pos);
      if (pos - digitsStart >= 20) fail('integer too long', start);
      pos++;
    }
    if (pos >= n) fail('unterminated integer', start);
    const digits = pos - digitsStart;
    if (digits === 0) fail('empty integer', start);
    if (bytes[digitsStart] === ZERO && (digits > 1 || neg)) fail('integer with leading zero or -0', start);
    let text = '';
    for (let k = digitsStart; k < pos; k++) text += String.fromCharCode(bytes[k] as number);
    pos++; // 'e'
    const v = Number(text);
    if (Number.isSafeInteger(v)) return neg ? -v : v;
    const b = BigInt(text);
    return neg ? -b : b;
  }

  function latin1(u: Uint8Array): string {
    let s = '';
    for (let k = 0; k < u.length; k += 4096) s += String.fromCharCode(...u.subarray(k, k + 4096));
    return s;
  }

  // Iterative over containers would be more code; recursion is bounded by maxDepth instead.
  function readValue(depth: number, top: boolean): BValue {
    if (pos >= n) fail('unexpected end of data', pos);
    const c = bytes[pos] as number;
    if (c === I) return readInt();
    if (c >= ZERO && c <= NINE) return readString();
    if (c === L) {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth}`, pos);
      count(160);
      pos++;
      const list: BValue[] = [];
      while (true) {
        if (pos >= n) fail('unterminated list', pos);
        if (bytes[pos] === E) { pos++; return list; }
        heap += 8;
        list.push(readValue(depth + 1, false));
      }
    }
    if (c === D) {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth}`, pos);
      count(160);
      pos++;
      const dict: BDict = new Map();
      while (true) {
        if (pos >= n) fail('unterminated dictionary', pos);
        if (bytes[pos] === E) { pos++; return dict; }
        const c2 = bytes[pos] as number;
        if (c2 < ZERO || c2 > NINE) fail('dictionary key is not a string', pos);
        const keyPos = pos;
        const raw = readString();
        heap += 40 + raw.length - 128; // a key is kept as a short string, not a view
        const key = latin1(raw);
        if (dict.has(key)) fail(`duplicate dictionary key ${JSON.stringify(key)}`, keyPos);
        const vStart = pos;
        dict.set(key, readValue(depth + 1, false));
        if (top) spans.set(key, [vStart, pos]);
      }
    }
    return fail(`unexpected byte 0x${c.toString(16)}`, pos);
  }

  if (n === 0) fail('empty input', 0);
  const value = readValue(0, true);
  if (pos !== n) fail('trailing data after the value', pos);
  return { value, spans };
}

/** Dictionary key for an ASCII/UTF-8 name (e.g. 'piece length'). */
export function keyOf(name: string): string {
  return latin1FromBytes(new TextEncoder().encode(name));
}

/** Raw bytes of a dictionary key. */
export function keyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let k = 0; k < key.length; k++) out[k] = key.charCodeAt(k);
  return out;
}

function latin1FromBytes(u: Uint8Array): string {
  let s = '';
  for (const b of u) s += String.fromCharCode(b);
  return s;
}
