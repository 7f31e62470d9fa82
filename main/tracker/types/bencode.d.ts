// The npm `bencode` package (v4) ships no types. Tessera's tracker only ENCODES with it (its own
// replies); tests decode the tracker's own replies with it. Untrusted input is never decoded here.
declare module 'bencode' {
  export type Encodable = number | string | Uint8Array | Encodable[] | { [key: string]: Encodable | undefined };
  interface Bencode {
    encode(data: Encodable): Uint8Array;
    decode(data: Uint8Array, encoding?: string): unknown;
    byteLength(data: Encodable): number;
  }
  const bencode: Bencode;
  export default bencode;
}
