// Where bytes of the v1 piece stream live on a web seed, pure.
// BEP 19 (url-list, GetRight style): one plain HTTP file per torrent file. Single-file: the URL
// itself, or URL + name when it ends in '/'. Multi-file: URL + name + '/' + path, each component
// percent-encoded (a '/' is added to a URL without one). Padding files (BEP 47) exist on no server:
// their bytes are zeros and never fetched.
// BEP 17 (httpseeds, Hoffman style): <url>?info_hash=…&piece=N[&ranges=a-b,…] with inclusive ends.
import type { Metainfo } from '../metainfo/types.ts';

export interface FileRange {
  /** Absent for a padding span (zeros, no request). */
  url?: string;
  /** Byte offset inside that file. */
  fileOffset: number;
  length: number;
}

export function fileUrls(base: string, meta: Pick<Metainfo, 'name' | 'multiFile' | 'files'>): string[] {
  const enc = (parts: string[]): string => parts.map(encodeURIComponent).join('/');
  if (!meta.multiFile) return [base.endsWith('/') ? base + enc([meta.name]) : base];
  const dir = base.endsWith('/') ? base : `${base}/`;
  return meta.files.map((f) => dir + enc([meta.name, ...f.path]));
}

/** Split the stream range [start, start+length) into per-file ranges, in order. */
export function mapRange(meta: Pick<Metainfo, 'files'>, urls: readonly string[], start: number, length: number): FileRange[] {
  const out: FileRange[] = [];
  const end = start + length;
  // Files are in stream order; a binary search would matter only for torrents with huge file lists.
  for (let i = 0; i < meta.files.length; i++) {
    const f = meta.files[i];
    if (f === undefined) continue;
    const fEnd = f.offset + f.length;
    if (fEnd <= start || f.length === 0) continue;
    if (f.offset >= end) break;
    const a = Math.max(start, f.offset);
    const b = Math.min(end, fEnd);
    const r: FileRange = { fileOffset: a - f.offset, length: b - a };
    const url = urls[i];
    if (!f.padding && url !== undefined) r.url = url;
    out.push(r);
  }
  return out;
}

function percentBytes(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += `%${x.toString(16).padStart(2, '0').toUpperCase()}`;
  return s;
}

/** A BEP 17 request URL for byte runs [begin, end) inside one piece (whole piece when `runs` is absent). */
export function httpSeedUrl(base: string, infoHash: Uint8Array, piece: number, runs?: Array<{ begin: number; end: number }>): string {
  const sep = base.includes('?') ? '&' : '?';
  let url = `${base}${sep}info_hash=${percentBytes(infoHash)}&piece=${piece}`;
  if (runs !== undefined && runs.length > 0) url += `&ranges=${runs.map((r) => `${r.begin}-${r.end - 1}`).join(',')}`;
  return url;
}
