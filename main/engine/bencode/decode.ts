// The one strict, bounded bencode decoder for untrusted bytes: .torrent files, peer extension
// messages and tracker replies (pure: no I/O, imported by metainfo/, wire/, extensions/ and
// discovery/).
//
// Why not the `bencode` npm package's decoder: on hostile bytes it loops forever (a negative
// string length moves its cursor backwards: "l-3:e"), recurses without a depth limit, silently
// truncates short strings, accepts floats and leading zeros, assigns '__proto__' keys onto plain
// objects, turns non-UTF-8 dictionary keys into hex (ambiguous: a file really named "cafe" and
// the byte pair CA FE come out the same) and does not report where the info dictionary's bytes
// are. Here the grammar is checked strictly (canonical integers and string lengths, unique
// dictionary keys), nesting depth, value count and the heap the result takes are bounded, string
// values are zero-copy views, dictionaries are Maps keyed by the raw key bytes as a latin1 string
// (one char per byte, lossless), and every error is a TesseraError 'BENCODE_INVALID'.
//
// Dictionary key ORDER is not enforced, by any caller: trackers and clients in the wild send
// unsorted keys, and the info-hash is taken over the file's own bytes (decodeWithSpans), never a
// re-encoding, so order cannot change what a torrent means. Duplicate keys are refused: two
// parsers could otherwise see different values.
import { TesseraError } from '../errors.ts';

export type BValue = number | bigint | Uint8Array | BValue[] | BDict;
/** Keys are the raw key bytes as a latin1 string (lossless). Use keyOf()/keyBytes() to convert. */
export type BDict = Map<string, BValue>;

export interface BDecodeOptions {
  /** Deepest nesting of lists and dictionaries. Default 64 (bdecodeSpans: 100, as libtorrent). */
  maxDepth?: number;
  /** Most values (strings, integers, lists, dictionaries, keys) in the input. Default 4 million. */
  maxTokens?: number;
  /**
   * Budget for the estimated heap the decoded value takes (per-object costs measured on V8: a
   * string view ~128 bytes, a list or dictionary ~160, a key ~40 + its length). Default 32 × the
   * input + 1 MiB, so hostile input ("0:0:0:…", "lelele…") cannot make the decoder allocate more
   * than a bounded multiple of its size. The factor is set by the densest real torrents: a file
   * list of one-letter names costs ~22× its bytes here; typical torrents cost < 2× (their bulk is
   * 'pieces' / 'piece layers', zero-copy views).
   */
  maxHeap?: number;
  /**
   * Integers beyond ±2^53: true decodes them exactly as bigint (.torrent files: 64-bit fields a
   * reader may ignore must not make the whole file unreadable); false (default) refuses the input,
   * so a peer or tracker message only ever holds safe numbers.
   */
  bigInts?: boolean;
  /** bdecodePrefix only: accept bytes after the value (BEP 9 ut_metadata data carries the piece after the dict). */
  allowTrailing?: boolean;
}

export interface BDecodePrefix {
  value: BValue;
  /** Bytes the value took; the rest of the input follows it. */
  end: number;
}

export interface BDecodeSpans {
  value: BValue;
  /** For a top-level dictionary: the [start, end) byte span of each value, keyed like the dictionary. */
  spans: Map<string, [number, number]>;
}

/** Peer and tracker messages. */
const MESSAGE_DEFAULTS = { maxDepth: 64, bigInts: false } as const;
/** .torrent files: libtorrent's nesting limit; exact 64-bit integers. */
const TORRENT_DEFAULTS = { maxDepth: 100, bigInts: true } as const;

/** One complete bencoded value (peer and tracker messages); trailing bytes are refused. */
export function bdecode(bytes: Uint8Array, opts: BDecodeOptions = {}): BValue {
  return decode(bytes, opts, MESSAGE_DEFAULTS, false, null).value;
}

/** A bencoded value at the start of `bytes`; with allowTrailing, bytes after it are left for the caller at `end`. */
export function bdecodePrefix(bytes: Uint8Array, opts: BDecodeOptions = {}): BDecodePrefix {
  return decode(bytes, opts, MESSAGE_DEFAULTS, opts.allowTrailing === true, null);
}

/** A whole .torrent file, with the byte span of each top-level value (the info-hash is taken over the info dict's own bytes). */
export function bdecodeSpans(bytes: Uint8Array, opts: BDecodeOptions = {}): BDecodeSpans {
  const spans = new Map<string, [number, number]>();
  return { value: decode(bytes, opts, TORRENT_DEFAULTS, false, spans).value, spans };
}

const EMPTY = new Uint8Array(0);
const D = 0x64, L = 0x6c, I = 0x69, E = 0x65, COLON = 0x3a, MINUS = 0x2d, ZERO = 0x30, NINE = 0x39;
// Estimated V8 heap per decoded object (see maxHeap).
const COST_STRING = 128, COST_INT = 16, COST_CONTAINER = 160, COST_SLOT = 8, COST_KEY = 40;

function fail(msg: string, pos: number): never {
  throw new TesseraError('BENCODE_INVALID', `${msg} at byte ${pos}`);
}

function decode(
  bytes: Uint8Array,
  opts: BDecodeOptions,
  defaults: { maxDepth: number; bigInts: boolean },
  allowTrailing: boolean,
  spans: Map<string, [number, number]> | null,
): BDecodePrefix {
  if (bytes.length === 0) fail('empty input', 0);
  const d = new Decoder(bytes, opts, defaults, spans);
  const value = d.value(0);
  if (!allowTrailing && d.pos !== bytes.length) fail('trailing data after the value', d.pos);
  return { value, end: d.pos };
}

// A class rather than closures over locals: one allocation per call instead of one per helper
// function, which is most of the cost for the small peer messages decoded by the thousand.
class Decoder {
  pos = 0;
  private tokens = 0;
  private heap = 0;
  private readonly n: number;
  // `new Uint8Array(buffer, offset, length)` is about twice as fast as subarray() on V8 (no
  // species lookup), and string views are most of what a torrent decodes to.
  private readonly buffer: ArrayBufferLike;
  private readonly base: number;
  private readonly maxDepth: number;
  private readonly maxTokens: number;
  private readonly maxHeap: number;
  private readonly bigInts: boolean;
  private readonly items: BValue[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    opts: BDecodeOptions,
    defaults: { maxDepth: number; bigInts: boolean },
    private readonly spans: Map<string, [number, number]> | null,
  ) {
    this.n = bytes.length;
    this.buffer = bytes.buffer;
    this.base = bytes.byteOffset;
    this.maxDepth = opts.maxDepth ?? defaults.maxDepth;
    this.bigInts = opts.bigInts ?? defaults.bigInts;
    this.maxTokens = opts.maxTokens ?? 4_000_000;
    this.maxHeap = opts.maxHeap ?? 32 * bytes.length + 1024 * 1024;
  }

  private count(cost: number): void {
    if (++this.tokens > this.maxTokens) fail(`more than ${this.maxTokens} values`, this.pos);
    this.heap += cost;
    if (this.heap > this.maxHeap) fail(`decoded value would take more than ${this.maxHeap} bytes of memory`, this.pos);
  }

  /** A string's length prefix and ':': a non-negative decimal, no leading zero, that fits in the input. */
  private length(): number {
    const { bytes, n } = this;
    const start = this.pos;
    let pos = start;
    let v = 0;
    let c = 0;
    while (pos < n && (c = bytes[pos] as number) !== COLON) {
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
    this.pos = pos;
    return v;
  }

  private string(): Uint8Array {
    this.count(COST_STRING);
    const len = this.length();
    if (len === 0) return EMPTY;
    const s = new Uint8Array(this.buffer, this.base + this.pos, len);
    this.pos += len;
    return s;
  }

  /** i-?[1-9][0-9]*e | i0e; exact up to 20 digits (64-bit) as bigint when allowed. */
  private int(): number | bigint {
    this.count(COST_INT);
    const { bytes, n } = this;
    const start = this.pos;
    let pos = start + 1; // 'i'
    let neg = false;
    if (bytes[pos] === MINUS) { neg = true; pos++; }
    const digitsStart = pos;
    let v = 0;
    let c = 0;
    while (pos < n && (c = bytes[pos] as number) !== E) {
      if (c < ZERO || c > NINE) fail('bad integer', pos);
      if (pos - digitsStart >= 20) fail('integer too long', start);
      v = v * 10 + (c - ZERO);
      pos++;
    }
    if (pos >= n) fail('unterminated integer', start);
    const digits = pos - digitsStart;
    if (digits === 0) fail('empty integer', start);
    if (bytes[digitsStart] === ZERO && (digits > 1 || neg)) fail('integer with leading zero or -0', start);
    this.pos = pos + 1; // past 'e'
    // Up to 15 digits the running value is exact; beyond, only if it is still a safe integer.
    if (digits <= 15 || Number.isSafeInteger(v)) return neg ? -v : v;
    if (!this.bigInts) fail('integer beyond ±2^53', start);
    let text = '';
    for (let k = digitsStart; k < pos; k++) text += String.fromCharCode(bytes[k] as number);
    const b = BigInt(text);
    return neg ? -b : b;
  }

  private key(): string {
    const c = this.bytes[this.pos] as number;
    if (c < ZERO || c > NINE) fail('dictionary key is not a string', this.pos);
    this.count(COST_KEY);
    const len = this.length();
    this.heap += len; // checked by the next count(); the key is no longer than the input
    const from = this.pos;
    this.pos += len;
    return len <= MAX_CACHED_KEY ? cachedKey(this.bytes, from, len) : latin1(this.bytes, from, from + len);
  }

  // Recursion is bounded by maxDepth (an explicit stack would be more code for no gain).
  value(depth: number): BValue {
    const { bytes, n } = this;
    if (this.pos >= n) fail('unexpected end of data', this.pos);
    const c = bytes[this.pos] as number;
    if (c >= ZERO && c <= NINE) return this.string();
    if (c === I) return this.int();
    if (c !== L && c !== D) fail(`unexpected byte 0x${c.toString(16)}`, this.pos);
    if (depth >= this.maxDepth) fail(`nesting deeper than ${this.maxDepth}`, this.pos);
    this.count(COST_CONTAINER);
    this.pos++;
    if (c === L) {
      // Items gather on one stack shared by every list being decoded (a nested list is done before
      // its parent goes on) and each list is cut from it at its exact length: a list grown by push
      // keeps 17 slots for one item, and a torrent's file list has a one-item path list per file.
      const { items } = this;
      const base = items.length;
      while (true) {
        if (this.pos >= n) fail('unterminated list', this.pos);
        if (bytes[this.pos] === E) {
          this.pos++;
          const list = items.slice(base);
          items.length = base;
          return list;
        }
        this.heap += COST_SLOT;
        const item = this.value(depth + 1);
        items.push(item);
      }
    }
    const dict: BDict = new Map();
    const spans = depth === 0 ? this.spans : null;
    while (true) {
      if (this.pos >= n) fail('unterminated dictionary', this.pos);
      if (bytes[this.pos] === E) { this.pos++; return dict; }
      const keyPos = this.pos;
      const key = this.key();
      if (dict.has(key)) fail(`duplicate dictionary key ${JSON.stringify(key)}`, keyPos);
      const vStart = this.pos;
      dict.set(key, this.value(depth + 1));
      if (spans !== null) spans.set(key, [vStart, this.pos]);
    }
  }
}

// Short keys repeat: a torrent's file list has 'length' and 'path' once per file, messages the
// same few names. Handing back the same string for the same bytes saves an allocation per key and
// the hashing of a fresh string on every Map lookup. A direct-mapped cache of 256 short strings;
// sharing them is safe since strings are immutable.
const MAX_CACHED_KEY = 24;
const keyCache: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);

function cachedKey(bytes: Uint8Array, from: number, len: number): string {
  let h = len;
  for (let k = from; k < from + len; k++) h = (h * 31 + (bytes[k] as number)) & 0xff;
  const hit = keyCache[h];
  if (hit !== undefined && hit.length === len) {
    let k = 0;
    while (k < len && hit.charCodeAt(k) === bytes[from + k]) k++;
    if (k === len) return hit;
  }
  const s = latin1(bytes, from, from + len);
  keyCache[h] = s;
  return s;
}

/** bytes[from, to) as a latin1 string, one char per byte (not TextDecoder: its 'latin1' is windows-1252 by the WHATWG spec). */
function latin1(bytes: Uint8Array, from: number, to: number): string {
  if (to - from <= 16) {
    let s = '';
    for (let k = from; k < to; k++) s += String.fromCharCode(bytes[k] as number);
    return s;
  }
  let s = '';
  for (let k = from; k < to; k += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(k, Math.min(k + 4096, to)) as unknown as number[]);
  }
  return s;
}

// --- keys --------------------------------------------------------------------------------------

const utf8 = new TextEncoder();

/** Dictionary key for a UTF-8 name (e.g. 'piece length', or a non-ASCII file name). */
export function keyOf(name: string): string {
  // ASCII is its own UTF-8 and latin1: the common case (every BEP key, most file names) skips the encoder.
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) > 0x7f) {
      const u = utf8.encode(name);
      return latin1(u, 0, u.length);
    }
  }
  return name;
}

/**
 * Raw bytes of a dictionary key. Decoded keys are latin1 (every char < 256) and come back byte for
 * byte; a key with a char ≥ 256 cannot be latin1, so it is taken as text and encoded as UTF-8.
 */
export function keyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let k = 0; k < key.length; k++) {
    const c = key.charCodeAt(k);
    if (c > 0xff) return utf8.encode(key);
    out[k] = c;
  }
  return out;
}

// --- typed accessors (tolerant: a value of the wrong type reads as absent) ---------------------

export function isDict(v: BValue | undefined): v is BDict {
  return v instanceof Map;
}
/** A safe integer; a bigint (only from bigInts decoding) reads as absent. */
export function getInt(d: BDict, key: string): number | undefined {
  const v = d.get(key);
  return typeof v === 'number' ? v : undefined;
}
export function getBytes(d: BDict, key: string): Uint8Array | undefined {
  const v = d.get(key);
  return v instanceof Uint8Array ? v : undefined;
}
/** UTF-8 text (malformed sequences become U+FFFD). */
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
