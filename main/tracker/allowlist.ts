// An allowlist of info-hashes: a text file, one 40-hex-digit info-hash per line, '#' comments.
// (A v2 torrent is listed by the first 40 hex digits of its SHA-256 info-hash, as opentracker
// does.) The parser is pure; loading reads the file with a size bound.
import { readFile, stat } from 'node:fs/promises';
import { TesseraError } from '../engine/errors.ts';

export const MAX_ALLOWLIST_BYTES = 64 << 20; // ~1.5 M info-hashes

/** Raw 20-byte info-hashes (latin1) from the file's text; bad lines are reported, not fatal. */
export function parseAllowlist(text: string): { hashes: Set<string>; badLines: number[] } {
  const hashes = new Set<string>();
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const s = line.replace(/#.*/, '').trim();
    if (s === '') return;
    if (!/^[0-9a-fA-F]{40}$/.test(s)) { badLines.push(i + 1); return; }
    hashes.add(Buffer.from(s, 'hex').toString('latin1'));
  });
  return { hashes, badLines };
}

export async function loadAllowlist(file: string): Promise<{ hashes: Set<string>; badLines: number[] }> {
  const st = await stat(file);
  if (st.size > MAX_ALLOWLIST_BYTES) {
    throw new TesseraError('LIMIT_EXCEEDED', `allowlist ${file} is larger than ${MAX_ALLOWLIST_BYTES} bytes`);
  }
  return parseAllowlist(await readFile(file, 'utf8'));
}
