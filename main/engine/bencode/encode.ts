// The one canonical bencode encoder (pure): .torrent files we create, peer extension messages,
// tracker-style replies in tests. Dictionary keys are sorted by their raw bytes, as BEP 3 requires.
// (The `bencode` npm package sorts string keys by UTF-16 code units and Uint8Array keys by their
// toString(), so it mis-orders non-ASCII file names and the binary 'piece layers' keys; it stays
// the oracle for ASCII data in the tests.)
import { TesseraError } from '../errors.ts';
import { keyOf, type BDict, type BValue } from './decode.ts';

/**
 * What bencode() takes: every decoded BValue, plus JS strings (encoded as UTF-8 byte strings) and
 * plain objects (undefined members are left out). Dictionary keys, in Maps and objects alike, are
 * raw bytes as a latin1 string, as the decoder gives them: ASCII names are themselves; build a
 * non-ASCII name with keyOf().
 */
export type BEncodable =
  | number | bigint | string | Uint8Array
  | readonly BEncodable[]
  | ReadonlyMap<string, BEncodable>
  | { readonly [k: string]: BEncodable | undefined };

const utf8 = new TextEncoder();

/** A growing output buffer: one allocation per doubling instead of one small array per token. */
class Writer {
  buf = new Uint8Array(256);
  len = 0;
  reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  /** Text of chars below 256, one byte each (digits, 'i', 'e', ':', '-', latin1 keys). */
  ascii(s: string): void {
    this.reserve(s.length);
    for (let k = 0; k < s.length; k++) this.buf[this.len++] = s.charCodeAt(k);
  }
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }
  string(b: Uint8Array): void {
    this.ascii(`${b.length}:`);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** A byte string given as one char per byte (latin1Key). */
  latin1(k: string): void {
    this.ascii(`${k.length}:`);
    this.ascii(k);
  }
  /** Text as its UTF-8 bytes: ASCII (most names) written char by char, with no byte array per string. */
  text(s: string): void {
    for (let k = 0; k < s.length; k++) {
      if (s.charCodeAt(k) > 0x7f) {
        this.string(utf8.encode(s));
        return;
      }
    }
    this.latin1(s);
  }
}

/**
 * A dictionary key as one char per byte: decoded and keyOf() keys already are (every char < 256);
 * a name given as plain text with wider chars becomes its UTF-8 bytes, as keyBytes() would. Then
 * string order is byte order, and keys are written without a byte array each (5,000-file torrents
 * spent ~20 ms allocating them).
 */
function latin1Key(k: string): string {
  for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) > 0xff) return keyOf(k); // its UTF-8 bytes, as keyBytes() gives them
  return k;
}

const byKey = (a: [string, BEncodable], b: [string, BEncodable]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function write(w: Writer, x: BEncodable): void {
  if (typeof x === 'number') {
    if (!Number.isSafeInteger(x)) throw new TesseraError('BAD_ARGUMENT', `cannot bencode non-integer ${x}`);
    w.ascii(`i${x}e`);
  } else if (typeof x === 'bigint') {
    w.ascii(`i${x}e`);
  } else if (typeof x === 'string') {
    w.text(x);
  } else if (x instanceof Uint8Array) {
    w.string(x);
  } else if (Array.isArray(x)) {
    w.byte(0x6c); // 'l'
    for (const e of x as readonly BEncodable[]) write(w, e);
    w.byte(0x65);
  } else {
    const entries: [string, BEncodable][] = [];
    if (x instanceof Map) {
      for (const [k, e] of x as ReadonlyMap<string, BEncodable>) entries.push([latin1Key(k), e]);
    } else {
      const o = x as { readonly [k: string]: BEncodable | undefined };
      for (const k of Object.keys(o)) {
        const e = o[k];
        if (e !== undefined) entries.push([latin1Key(k), e]);
      }
    }
    entries.sort(byKey);
    w.byte(0x64); // 'd'
    for (const [k, e] of entries) {
      w.latin1(k);
      write(w, e);
    }
    w.byte(0x65);
  }
}

export function bencode(v: BEncodable): Uint8Array {
  const w = new Writer();
  write(w, v);
  return w.buf.slice(0, w.len);
}

/** Builds a BDict from UTF-8 names; undefined values are left out. Strings become UTF-8 bytes. */
export function dict(entries: Record<string, BValue | string | undefined>): BDict {
  const d: BDict = new Map();
  for (const [k, v] of Object.entries(entries)) {
    if (v === undefined) continue;
    d.set(keyOf(k), typeof v === 'string' ? utf8.encode(v) : v);
  }
  return d;
}

/** UTF-8 bytes of a text value. */
export function str(s: string): Uint8Array {
  return utf8.encode(s);
}
