// The Verify dialog's results as plain data: per-file lines in plain words, the bits for the
// piece bar (good pieces as "have", bad ones left "missing"), and a one-line summary. Pure; tested.
import type { VerifyFileResult, VerifyResult } from '../../../shared/contract.ts';
import { bitsFrom } from '../../canvas/bits.ts';

export function fileVerdict(f: VerifyFileResult): string {
  switch (f.status) {
    case 'ok': return 'OK';
    case 'missing': return 'Missing';
    case 'wrong-size': return 'Wrong size';
    case 'bad': return `${f.badPieces} bad piece${f.badPieces === 1 ? '' : 's'}`;
  }
}

export function goodPieceBits(r: VerifyResult): Uint8Array {
  const bad = new Set(r.badPieces);
  return bitsFrom(r.pieceCount, (i) => !bad.has(i));
}

export function verifySummary(r: VerifyResult): string {
  if (r.ok) return `All ${r.pieceCount} pieces are good: the data is complete.`;
  const n = r.badPieces.length;
  const files = r.files.filter((f) => f.status !== 'ok').length;
  return `${n} of ${r.pieceCount} piece${r.pieceCount === 1 ? '' : 's'} bad, in ${files} file${files === 1 ? '' : 's'}.`;
}
