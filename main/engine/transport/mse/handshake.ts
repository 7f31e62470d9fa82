// Message Stream Encryption (MSE/PE, the Vuze/libtorrent "obfuscation" protocol) as a pure state
// machine: bytes in → bytes out + state. No sockets, no timers: the I/O edge (negotiate.ts) owns
// those. Both roles:
//   1 A→B: Ya, PadA
//   2 B→A: Yb, PadB
//   3 A→B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
//          ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
//   4 B→A: ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload)
// The synchronisation searches are bounded as the spec says (PadA/PadB at most 512 bytes), so a
// peer that sends garbage is refused after at most ~1 KiB, never buffered without end.
import { randomBytes, randomInt } from 'node:crypto';
import { TesseraError } from '../../errors.ts';
import { Rc4 } from '../rc4.ts';
import { KEY_LENGTH, dhKeys, hash, type DhKeys } from './dh.ts';

export const CRYPTO_PLAINTEXT = 0x01;
export const CRYPTO_RC4 = 0x02;
export const MAX_PAD = 512;
/** IA is the initiator's first payload (its BitTorrent handshake, 68 bytes); refuse anything large. */
export const MAX_IA = 1024;
const VC_LENGTH = 8;
const DISCARD = 1024;

export type CryptoMethod = 'plaintext' | 'rc4';

export interface MseResult {
  method: CryptoMethod;
  /** Cipher for what we send after the handshake; null when the payload stream is plaintext. */
  encrypt: Rc4 | null;
  /** Cipher for what we receive after `payload`; null when the payload stream is plaintext. */
  decrypt: Rc4 | null;
  /** Payload bytes that came with the handshake, already decrypted (for a receiver: IA first). */
  payload: Uint8Array;
  /** The torrent's info-hash the peers agreed on. */
  skey: Uint8Array;
}

export interface MseStep {
  /** Bytes to send, in order. */
  out: Uint8Array[];
  /** Set once the handshake is complete; push() must not be called after. */
  done?: MseResult;
}

export interface MseCommonOptions {
  /** 20-byte DH private key (tests); random by default. */
  privateKey?: Uint8Array;
  /** Pad length chooser (tests); uniform 0..MAX_PAD by default. */
  padLength?: () => number;
}

function fail(msg: string): never {
  throw new TesseraError('WIRE_PROTOCOL', `MSE: ${msg}`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, limit: number): number {
  const last = Math.min(hay.length - needle.length, limit);
  outer: for (let i = 0; i <= last; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

function u16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}

function u32(b: Uint8Array, o: number): number {
  return (((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>> 0;
}

function ciphers(s: Uint8Array, skey: Uint8Array): { a: Rc4; b: Rc4 } {
  return { a: new Rc4(hash('keyA', s, skey), DISCARD), b: new Rc4(hash('keyB', s, skey), DISCARD) };
}

/** The random pad with its public key in front: Ya|PadA or Yb|PadB. Pads are random (they are sent in clear). */
function keyAndPad(keys: DhKeys, padLength: number): Uint8Array {
  const out = new Uint8Array(KEY_LENGTH + padLength);
  out.set(keys.publicKey);
  out.set(randomBytes(padLength), KEY_LENGTH);
  return out;
}

function pickPad(o: MseCommonOptions): number {
  const n = o.padLength !== undefined ? o.padLength() : randomInt(0, MAX_PAD + 1);
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAD) throw new RangeError('MSE pad length must be 0..512');
  return n;
}

/** Pick one method from a provide bitmask: RC4 first (it is why a peer asked for MSE), then plaintext. */
export function selectMethod(provide: number, allowed: number): number {
  const common = provide & allowed;
  if ((common & CRYPTO_RC4) !== 0) return CRYPTO_RC4;
  if ((common & CRYPTO_PLAINTEXT) !== 0) return CRYPTO_PLAINTEXT;
  return 0;
}

export interface MseInitiatorOptions extends MseCommonOptions {
  /** The torrent's info-hash (20 bytes): it keys the ciphers and lets the receiver find the torrent. */
  skey: Uint8Array;
  /** crypto_provide bitmask (CRYPTO_RC4 | CRYPTO_PLAINTEXT). */
  provide: number;
  /** Initial payload, sent encrypted in step 3 (may be empty: the BT handshake then follows the handshake). */
  ia?: Uint8Array;
}

type InitiatorState = 'start' | 'yb' | 'vc' | 'select' | 'padd' | 'done';

export class MseInitiator {
  #o: MseInitiatorOptions;
  #keys: DhKeys;
  #state: InitiatorState = 'start';
  #buf: Uint8Array = new Uint8Array(0);
  #enc: Rc4 | undefined;
  #dec: Rc4 | undefined;
  #vcPattern: Uint8Array | undefined;
  #select = 0;
  #padD = 0;

  constructor(o: MseInitiatorOptions) {
    if (o.skey.length !== 20) throw new RangeError('MSE SKEY must be 20 bytes');
    if ((o.provide & (CRYPTO_RC4 | CRYPTO_PLAINTEXT)) === 0) throw new RangeError('MSE: nothing to provide');
    if ((o.ia?.length ?? 0) > MAX_IA) throw new RangeError('MSE: initial payload too large');
    this.#o = o;
    this.#keys = dhKeys(o.privateKey);
  }

  /** Step 1: Ya and PadA. */
  start(): Uint8Array {
    if (this.#state !== 'start') throw new Error('MSE initiator already started');
    this.#state = 'yb';
    return keyAndPad(this.#keys, pickPad(this.#o));
  }

  push(chunk: Uint8Array): MseStep {
    if (this.#state === 'start' || this.#state === 'done') throw new Error(`MSE initiator: push in state ${this.#state}`);
    this.#buf = concat(this.#buf, chunk);
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.#state === 'yb') {
        if (this.#buf.length < KEY_LENGTH) return { out };
        out.push(this.#step3(this.#buf.subarray(0, KEY_LENGTH)));
        this.#buf = this.#buf.subarray(KEY_LENGTH);
        this.#state = 'vc';
      } else if (this.#state === 'vc') {
        const pattern = this.#vcPattern as Uint8Array;
        const at = indexOf(this.#buf, pattern, MAX_PAD);
        if (at < 0) {
          if (this.#buf.length >= MAX_PAD + VC_LENGTH) fail('no verification constant within PadB (wrong torrent or not MSE)');
          return { out };
        }
        this.#buf = this.#buf.subarray(at + VC_LENGTH);
        this.#state = 'select';
      } else if (this.#state === 'select') {
        if (this.#buf.length < 6) return { out };
        const head = (this.#dec as Rc4).processCopy(this.#buf.subarray(0, 6));
        this.#buf = this.#buf.subarray(6);
        this.#select = u32(head, 0);
        this.#padD = u16(head, 4);
        if (this.#select !== CRYPTO_RC4 && this.#select !== CRYPTO_PLAINTEXT) fail(`bad crypto_select ${this.#select}`);
        if ((this.#select & this.#o.provide) === 0) fail('peer selected a method we did not provide');
        if (this.#padD > MAX_PAD) fail(`PadD of ${this.#padD} bytes`);
        this.#state = 'padd';
      } else if (this.#state === 'padd') {
        if (this.#buf.length < this.#padD) return { out };
        (this.#dec as Rc4).skip(this.#padD); // PadD is encrypted: advance the keystream past it
        const rest = this.#buf.slice(this.#padD);
        this.#buf = new Uint8Array(0);
        this.#state = 'done';
        const rc4 = this.#select === CRYPTO_RC4;
        if (rc4) (this.#dec as Rc4).process(rest);
        return {
          out,
          done: {
            method: rc4 ? 'rc4' : 'plaintext', encrypt: rc4 ? (this.#enc as Rc4) : null, decrypt: rc4 ? (this.#dec as Rc4) : null,
            payload: rest, skey: this.#o.skey,
          },
        };
      } else {
        return { out };
      }
    }
  }

  #step3(yb: Uint8Array): Uint8Array {
    const s = this.#keys.secret(yb);
    const { a, b } = ciphers(s, this.#o.skey);
    this.#enc = a;
    this.#dec = b;
    // The receiver's VC is 8 zero bytes under keyB: exactly the first 8 bytes of its keystream.
    this.#vcPattern = b.process(new Uint8Array(VC_LENGTH));
    const req1 = hash('req1', s);
    const req2 = hash('req2', this.#o.skey);
    const req3 = hash('req3', s);
    const ia = this.#o.ia ?? new Uint8Array(0);
    const padC = pickPad(this.#o);
    const plain = new Uint8Array(VC_LENGTH + 4 + 2 + padC + 2 + ia.length);
    let o = VC_LENGTH;
    plain[o + 3] = this.#o.provide & 0xff;
    o += 4;
    plain[o++] = padC >> 8;
    plain[o++] = padC & 0xff;
    o += padC; // PadC: zeros (the spec allows that; it is encrypted anyway)
    plain[o++] = ia.length >> 8;
    plain[o++] = ia.length & 0xff;
    plain.set(ia, o);
    a.process(plain);
    const out = new Uint8Array(40 + plain.length);
    out.set(req1);
    for (let i = 0; i < 20; i++) out[20 + i] = (req2[i] as number) ^ (req3[i] as number);
    out.set(plain, 40);
    return out;
  }
}

export interface MseReceiverOptions extends MseCommonOptions {
  /** Map HASH('req2', SKEY) to the SKEY (info-hash) of a torrent we serve; undefined when unknown. */
  lookup: (req2: Uint8Array) => Uint8Array | undefined;
  /** Methods we accept (CRYPTO_RC4 | CRYPTO_PLAINTEXT). */
  allowed: number;
}

type ReceiverState = 'ya' | 'req1' | 'req2' | 'vc' | 'padc' | 'ia' | 'done';

export class MseReceiver {
  #o: MseReceiverOptions;
  #keys: DhKeys;
  #state: ReceiverState = 'ya';
  #buf: Uint8Array = new Uint8Array(0);
  #s: Uint8Array | undefined;
  #req1: Uint8Array | undefined;
  #skey: Uint8Array | undefined;
  #enc: Rc4 | undefined;
  #dec: Rc4 | undefined;
  #provide = 0;
  #padC = 0;
  #ia = 0;

  constructor(o: MseReceiverOptions) {
    this.#o = o;
    this.#keys = dhKeys(o.privateKey);
  }

  push(chunk: Uint8Array): MseStep {
    if (this.#state === 'done') throw new Error('MSE receiver: push after done');
    this.#buf = concat(this.#buf, chunk);
    const out: Uint8Array[] = [];
    for (;;) {
      switch (this.#state) {
        case 'ya': {
          if (this.#buf.length < KEY_LENGTH) return { out };
          this.#s = this.#keys.secret(this.#buf.subarray(0, KEY_LENGTH));
          this.#req1 = hash('req1', this.#s);
          this.#buf = this.#buf.subarray(KEY_LENGTH);
          out.push(keyAndPad(this.#keys, pickPad(this.#o)));
          this.#state = 'req1';
          break;
        }
        case 'req1': {
          const at = indexOf(this.#buf, this.#req1 as Uint8Array, MAX_PAD);
          if (at < 0) {
            if (this.#buf.length >= MAX_PAD + 20) fail('no req1 hash within PadA (not MSE, or a different shared secret)');
            return { out };
          }
          this.#buf = this.#buf.subarray(at + 20);
          this.#state = 'req2';
          break;
        }
        case 'req2': {
          if (this.#buf.length < 20) return { out };
          const req3 = hash('req3', this.#s as Uint8Array);
          const req2 = new Uint8Array(20);
          for (let i = 0; i < 20; i++) req2[i] = (this.#buf[i] as number) ^ (req3[i] as number);
          this.#buf = this.#buf.subarray(20);
          const skey = this.#o.lookup(req2);
          if (skey === undefined) fail('the peer asked for a torrent we do not have');
          this.#skey = skey;
          const { a, b } = ciphers(this.#s as Uint8Array, skey);
          this.#dec = a;
          this.#enc = b;
          this.#state = 'vc';
          break;
        }
        case 'vc': {
          if (this.#buf.length < VC_LENGTH + 6) return { out };
          const head = (this.#dec as Rc4).processCopy(this.#buf.subarray(0, VC_LENGTH + 6));
          this.#buf = this.#buf.subarray(VC_LENGTH + 6);
          for (let i = 0; i < VC_LENGTH; i++) if (head[i] !== 0) fail('bad verification constant');
          this.#provide = u32(head, VC_LENGTH);
          this.#padC = u16(head, VC_LENGTH + 4);
          if (this.#padC > MAX_PAD) fail(`PadC of ${this.#padC} bytes`);
          this.#state = 'padc';
          break;
        }
        case 'padc': {
          if (this.#buf.length < this.#padC + 2) return { out };
          (this.#dec as Rc4).skip(this.#padC);
          const len = (this.#dec as Rc4).processCopy(this.#buf.subarray(this.#padC, this.#padC + 2));
          this.#buf = this.#buf.subarray(this.#padC + 2);
          this.#ia = u16(len, 0);
          if (this.#ia > MAX_IA) fail(`initial payload of ${this.#ia} bytes`);
          this.#state = 'ia';
          break;
        }
        case 'ia': {
          if (this.#buf.length < this.#ia) return { out };
          const select = selectMethod(this.#provide, this.#o.allowed);
          if (select === 0) fail(`no common crypto method (peer provides ${this.#provide})`);
          const ia = (this.#dec as Rc4).processCopy(this.#buf.subarray(0, this.#ia));
          const rest = this.#buf.slice(this.#ia);
          this.#buf = new Uint8Array(0);
          const padD = pickPad(this.#o);
          const reply = new Uint8Array(VC_LENGTH + 6 + padD);
          reply[VC_LENGTH + 3] = select;
          reply[VC_LENGTH + 4] = padD >> 8;
          reply[VC_LENGTH + 5] = padD & 0xff;
          (this.#enc as Rc4).process(reply);
          out.push(reply);
          this.#state = 'done';
          const rc4 = select === CRYPTO_RC4;
          if (rc4) (this.#dec as Rc4).process(rest);
          return {
            out,
            done: {
              method: rc4 ? 'rc4' : 'plaintext', encrypt: rc4 ? (this.#enc as Rc4) : null, decrypt: rc4 ? (this.#dec as Rc4) : null,
              payload: concat(ia, rest), skey: this.#skey as Uint8Array,
            },
          };
        }
        default:
          return { out };
      }
    }
  }
}

/** HASH('req2', SKEY): what a receiver indexes its torrents by. */
export function req2Hash(skey: Uint8Array): Uint8Array {
  return hash('req2', skey);
}
