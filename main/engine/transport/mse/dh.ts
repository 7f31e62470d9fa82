// The MSE Diffie-Hellman group: the 768-bit prime P of the spec, generator 2, 160-bit private keys
// (the spec's choice; more gives no extra security against the 768-bit group). Public keys and the
// shared secret travel as 96-byte big-endian integers, left-padded with zeros.
import { createDiffieHellman, createHash, randomBytes } from 'node:crypto';

export const DH_PRIME = Buffer.from(
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563',
  'hex',
);
export const KEY_LENGTH = 96;
const GENERATOR = Buffer.from([2]);

export interface DhKeys {
  publicKey: Uint8Array;
  secret(otherPublic: Uint8Array): Uint8Array;
}

/** A key pair; `privateKey` (20 bytes) is for tests, otherwise random. */
export function dhKeys(privateKey: Uint8Array = randomBytes(20)): DhKeys {
  const dh = createDiffieHellman(DH_PRIME, GENERATOR);
  dh.setPrivateKey(Buffer.from(privateKey));
  dh.generateKeys(); // derives the public key from the private key set above
  return {
    publicKey: leftPad(dh.getPublicKey()),
    secret: (other) => {
      if (other.length !== KEY_LENGTH) throw new RangeError('MSE public key must be 96 bytes');
      return leftPad(dh.computeSecret(Buffer.from(other)));
    },
  };
}

function leftPad(b: Uint8Array): Uint8Array {
  if (b.length === KEY_LENGTH) return new Uint8Array(b);
  const out = new Uint8Array(KEY_LENGTH);
  out.set(b.subarray(Math.max(0, b.length - KEY_LENGTH)), Math.max(0, KEY_LENGTH - b.length));
  return out;
}

/** SHA-1 over the concatenation of the parts (the spec's HASH()). */
export function hash(...parts: Array<string | Uint8Array>): Uint8Array {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
