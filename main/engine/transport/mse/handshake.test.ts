import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DH_PRIME, dhKeys } from './dh.ts';
import {
  CRYPTO_PLAINTEXT, CRYPTO_RC4, MAX_PAD, MseInitiator, MseReceiver, req2Hash, type MseResult,
} from './handshake.ts';
import { Rc4 } from '../rc4.ts';

const SKEY = new Uint8Array(20).fill(0xab);
const OTHER = new Uint8Array(20).fill(0xcd);

function lookupFor(...keys: Uint8Array[]): (r: Uint8Array) => Uint8Array | undefined {
  const m = new Map(keys.map((k) => [Buffer.from(req2Hash(k)).toString('hex'), k]));
  return (r) => m.get(Buffer.from(r).toString('hex'));
}

/** Shuttle bytes between the two machines, split into chunks by `split`, until both are done. */
function run(a: MseInitiator, b: MseReceiver, split: (n: number) => number[] = (n) => [n]): { a: MseResult; b: MseResult } {
  let toB: Uint8Array[] = [a.start()];
  let toA: Uint8Array[] = [];
  let ra: MseResult | undefined;
  let rb: MseResult | undefined;
  for (let round = 0; round < 20 && (ra === undefined || rb === undefined); round++) {
    for (const buf of toB.splice(0)) {
      let o = 0;
      for (const len of split(buf.length)) {
        if (rb !== undefined) break;
        const s = b.push(buf.subarray(o, o + len));
        o += len;
        toA.push(...s.out);
        if (s.done) rb = s.done;
      }
    }
    for (const buf of toA.splice(0)) {
      let o = 0;
      for (const len of split(buf.length)) {
        if (ra !== undefined) break;
        const s = a.push(buf.subarray(o, o + len));
        o += len;
        toB.push(...s.out);
        if (s.done) ra = s.done;
      }
    }
    toA = toA.filter((x) => x.length > 0);
  }
  assert.ok(ra !== undefined && rb !== undefined, 'both sides finished');
  return { a: ra, b: rb };
}

test('DH public key is 2^x mod P, 96 bytes, and both sides agree on S', () => {
  const x = randomBytes(20);
  const k = dhKeys(x);
  let r = 1n; let base = 2n; let e = BigInt(`0x${x.toString('hex')}`); const p = BigInt(`0x${DH_PRIME.toString('hex')}`);
  while (e > 0n) { if (e & 1n) r = (r * base) % p; base = (base * base) % p; e >>= 1n; }
  assert.equal(Buffer.from(k.publicKey).toString('hex'), r.toString(16).padStart(192, '0'));
  const other = dhKeys();
  assert.deepEqual(k.secret(other.publicKey), other.secret(k.publicKey));
  assert.equal(k.secret(other.publicKey).length, 96);
});

test('RC4 matches RFC 6229 (key 0102030405, offsets 0 and 1024)', () => {
  const out = new Rc4(Buffer.from('0102030405', 'hex')).process(new Uint8Array(16));
  assert.equal(Buffer.from(out).toString('hex'), 'b2396305f03dc027ccc3524a0a1118a8');
  const skip = new Rc4(Buffer.from('0102030405', 'hex'), 1024).process(new Uint8Array(16));
  assert.equal(Buffer.from(skip).toString('hex'), '30abbcc7c20b01609f23ee2d5f6bb7df');
  const ref = new Rc4(Buffer.from('0102030405', 'hex')).process(new Uint8Array(1040)).subarray(1024);
  assert.deepEqual(skip, ref, 'discard = skipping keystream bytes');
});

test('initiator and receiver agree on RC4 and the ciphers interoperate both ways, IA delivered', () => {
  const ia = new TextEncoder().encode('hello, initial payload');
  const a = new MseInitiator({ skey: SKEY, provide: CRYPTO_RC4 | CRYPTO_PLAINTEXT, ia });
  const b = new MseReceiver({ lookup: lookupFor(OTHER, SKEY), allowed: CRYPTO_RC4 | CRYPTO_PLAINTEXT });
  const r = run(a, b);
  assert.equal(r.a.method, 'rc4');
  assert.equal(r.b.method, 'rc4');
  assert.deepEqual(r.b.skey, SKEY);
  assert.deepEqual(r.b.payload, ia);
  assert.equal(r.a.payload.length, 0);
  const msg = randomBytes(5000);
  assert.deepEqual(r.b.decrypt?.process(r.a.encrypt?.processCopy(msg) ?? new Uint8Array()), new Uint8Array(msg));
  assert.deepEqual(r.a.decrypt?.process(r.b.encrypt?.processCopy(msg) ?? new Uint8Array()), new Uint8Array(msg));
});

test('any split of the byte stream and any pad lengths give the same result (property)', () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }),
    fc.array(fc.integer({ min: 0, max: MAX_PAD }), { minLength: 4, maxLength: 4 }),
    fc.boolean(),
    (sizes, pads, rc4) => {
      let pi = 0;
      const padLength = (): number => pads[pi++ % pads.length] as number;
      const split = (n: number): number[] => {
        const out: number[] = []; let left = n; let i = 0;
        while (left > 0) { const s = Math.min(left, sizes[i++ % sizes.length] as number); out.push(s); left -= s; }
        return out;
      };
      const a = new MseInitiator({ skey: SKEY, provide: rc4 ? CRYPTO_RC4 : CRYPTO_PLAINTEXT, ia: new Uint8Array([1, 2, 3]), padLength });
      const b = new MseReceiver({ lookup: lookupFor(SKEY), allowed: CRYPTO_RC4 | CRYPTO_PLAINTEXT, padLength });
      const r = run(a, b, split);
      assert.equal(r.a.method, rc4 ? 'rc4' : 'plaintext');
      assert.equal(r.b.method, r.a.method);
      assert.deepEqual(r.b.payload, new Uint8Array([1, 2, 3]));
    },
  ), { numRuns: 40 });
});

test('plaintext is selected when the receiver allows only plaintext', () => {
  const r = run(new MseInitiator({ skey: SKEY, provide: CRYPTO_RC4 | CRYPTO_PLAINTEXT }),
    new MseReceiver({ lookup: lookupFor(SKEY), allowed: CRYPTO_PLAINTEXT }));
  assert.equal(r.a.method, 'plaintext');
  assert.equal(r.a.encrypt, null);
  assert.equal(r.b.decrypt, null);
});

test('no common method: the receiver refuses', () => {
  assert.throws(() => run(new MseInitiator({ skey: SKEY, provide: CRYPTO_RC4 }),
    new MseReceiver({ lookup: lookupFor(SKEY), allowed: CRYPTO_PLAINTEXT })), /no common crypto method/);
});

test('wrong SKEY: a receiver without that torrent refuses', () => {
  assert.throws(() => run(new MseInitiator({ skey: SKEY, provide: CRYPTO_RC4 }),
    new MseReceiver({ lookup: lookupFor(OTHER), allowed: CRYPTO_RC4 })), /torrent we do not have/);
});

test('receiver fed garbage gives up within the bounded req1 search', () => {
  const b = new MseReceiver({ lookup: lookupFor(SKEY), allowed: CRYPTO_RC4 });
  const first = b.push(randomBytes(96));
  assert.equal(first.out.length, 1, 'Yb+PadB answered after Ya');
  let threw = false; let fed = 96;
  try { for (let i = 0; i < 100; i++) { b.push(randomBytes(64)); fed += 64; } } catch (e) { threw = true; assert.match(String(e), /req1/); }
  assert.ok(threw, 'garbage refused');
  assert.ok(fed <= 96 + MAX_PAD + 20 + 64, `refused after ${fed} bytes`);
});

test('initiator fed garbage after Yb gives up within the bounded VC search', () => {
  const a = new MseInitiator({ skey: SKEY, provide: CRYPTO_RC4 });
  a.start();
  const s = a.push(randomBytes(96));
  assert.equal(s.out.length, 1, 'step 3 sent once Yb is in');
  assert.throws(() => { for (let i = 0; i < 20; i++) a.push(randomBytes(64)); }, /verification constant/);
});

test('a receiver whose VC does not decrypt to zeros (tampered step 3) refuses', () => {
  const a = new MseInitiator({ skey: SKEY, provide: CRYPTO_RC4, padLength: () => 0 });
  const b = new MseReceiver({ lookup: lookupFor(SKEY), allowed: CRYPTO_RC4, padLength: () => 0 });
  const yb = b.push(a.start()).out[0] as Uint8Array;
  const step3 = a.push(yb).out[0] as Uint8Array;
  step3[45] = (step3[45] as number) ^ 0xff; // inside ENCRYPT(VC)
  assert.throws(() => b.push(step3), /verification constant/);
});
