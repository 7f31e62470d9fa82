// The Create-torrent form as plain data: parsing the tracker and web-seed text boxes, the
// automatic piece size the engine will choose, and the request sent as create:start. Pure; tested.
import type { CreateTorrentRequest, MetaVersionChoice } from '../../../shared/contract.ts';

export interface CreateForm {
  path: string;
  trackersText: string;
  webSeedsText: string;
  /** 0 = automatic */
  pieceLength: number;
  private: boolean;
  source: string;
  comment: string;
  version: MetaVersionChoice;
  /** Where to save the .torrent on the engine's machine; '' = do not save there. */
  outputPath: string;
  seed: boolean;
}

export const EMPTY_FORM: CreateForm = {
  path: '', trackersText: '', webSeedsText: '', pieceLength: 0, private: false, source: '', comment: '',
  version: 'hybrid', outputPath: '', seed: false,
};

export const PIECE_SIZES: readonly number[] = Array.from({ length: 11 }, (_v, i) => 2 ** (14 + i)); // 16 KiB … 16 MiB

/**
 * The engine's automatic piece length (main/engine/metainfo/create-torrent.ts autoPieceLength,
 * mirrored because the renderer cannot import engine modules; a test keeps the two equal).
 */
export function autoPieceLength(totalBytes: number): number {
  const exp = Math.ceil(Math.log2(Math.max(1, totalBytes) / 1500));
  return 2 ** Math.min(24, Math.max(14, exp));
}

export function pieceCountFor(totalBytes: number, pieceLength: number): number {
  const pl = pieceLength === 0 ? autoPieceLength(totalBytes) : pieceLength;
  return Math.max(1, Math.ceil(totalBytes / pl));
}

const TRACKER_SCHEMES = /^(https?|udp|wss?):\/\//i;
const SEED_SCHEMES = /^https?:\/\//i;

/** One tracker per line; a blank line starts a new tier. Returns tiers and the lines that are not URLs. */
export function parseTrackers(text: string): { tiers: string[][]; invalid: string[] } {
  const tiers: string[][] = [];
  const invalid: string[] = [];
  let tier: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      if (tier.length) { tiers.push(tier); tier = []; }
      continue;
    }
    if (!TRACKER_SCHEMES.test(line) || !isUrl(line)) { invalid.push(line); continue; }
    if (seen.has(line)) continue;
    seen.add(line);
    tier.push(line);
  }
  if (tier.length) tiers.push(tier);
  return { tiers, invalid };
}

export function parseWebSeeds(text: string): { urls: string[]; invalid: string[] } {
  const urls: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (SEED_SCHEMES.test(line) && isUrl(line)) { if (!urls.includes(line)) urls.push(line); } else invalid.push(line);
  }
  return { urls, invalid };
}

function isUrl(s: string): boolean {
  try { new URL(s); return true; } catch { return false; }
}

/** The request for create:start, or the first problem in plain words. */
export function buildRequest(f: CreateForm): { ok: true; request: CreateTorrentRequest } | { ok: false; problem: string } {
  const path = f.path.trim();
  if (path === '') return { ok: false, problem: 'Choose the file or folder to share: drop it here or type its path.' };
  const tr = parseTrackers(f.trackersText);
  if (tr.invalid.length) return { ok: false, problem: `Not a tracker URL: ${tr.invalid[0] ?? ''} (use http://, https:// or udp://).` };
  const ws = parseWebSeeds(f.webSeedsText);
  if (ws.invalid.length) return { ok: false, problem: `Not a web seed URL: ${ws.invalid[0] ?? ''} (use http:// or https://).` };
  if (f.private && tr.tiers.length === 0) return { ok: false, problem: 'A private torrent needs at least one tracker: peers can only be found through it.' };
  const request: CreateTorrentRequest = {
    path, version: f.version, pieceLength: f.pieceLength, trackers: tr.tiers, webSeeds: ws.urls, private: f.private, seed: f.seed,
  };
  if (f.source.trim() !== '') request.source = f.source.trim();
  if (f.comment.trim() !== '') request.comment = f.comment.trim();
  if (f.outputPath.trim() !== '') request.outputPath = f.outputPath.trim();
  return { ok: true, request };
}
