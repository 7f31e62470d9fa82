// Typed field access over decoded bencode, each failure naming the field and the reason. Pure.
import { TesseraError } from '../errors.ts';
import { isDict, keyOf, type BDict, type BValue } from '../bencode/decode.ts';

export { isDict };

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function invalid(field: string, why: string): never {
  throw new TesseraError('METAINFO_INVALID', `${field}: ${why}`);
}

export function isBytes(v: BValue | undefined): v is Uint8Array {
  return v instanceof Uint8Array;
}

export function get(d: BDict, name: string): BValue | undefined {
  return d.get(keyOf(name));
}

export function text(u: Uint8Array): string {
  // Short ASCII (most names and keys) is its own UTF-8: no decoder call.
  if (u.length <= 64) {
    let ascii = true;
    for (let i = 0; i < u.length; i++) if ((u[i] as number) >= 0x80) { ascii = false; break; }
    if (ascii) return String.fromCharCode.apply(null, u as unknown as number[]);
  }
  return utf8.decode(u);
}

export function optString(d: BDict, name: string, field: string): string | undefined {
  const v = get(d, name);
  if (v === undefined) return undefined;
  if (!isBytes(v)) invalid(field, 'must be a string');
  return text(v);
}

export function reqString(d: BDict, name: string, field: string): string {
  const v = optString(d, name, field);
  if (v === undefined) invalid(field, 'is missing');
  return v;
}

export function optBytes(d: BDict, name: string, field: string): Uint8Array | undefined {
  const v = get(d, name);
  if (v === undefined) return undefined;
  if (!isBytes(v)) invalid(field, 'must be a string');
  return v;
}

export function optInt(d: BDict, name: string, field: string): number | undefined {
  const v = get(d, name);
  if (v === undefined) return undefined;
  if (typeof v === 'bigint') invalid(field, 'integer out of range');
  if (typeof v !== 'number') invalid(field, 'must be an integer');
  return v;
}

export function reqInt(d: BDict, name: string, field: string): number {
  const v = optInt(d, name, field);
  if (v === undefined) invalid(field, 'is missing');
  return v;
}

export function optList(d: BDict, name: string, field: string): BValue[] | undefined {
  const v = get(d, name);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) invalid(field, 'must be a list');
  return v;
}
