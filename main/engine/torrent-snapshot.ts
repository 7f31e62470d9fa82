// The UI's view of a torrent (shared/snapshot.ts). summary() is O(peers); detail() reuses typed
// arrays per torrent (the have and downloading bitfields are the picker's own bytes; only the
// availability array is refreshed with one numeric pass) — no per-piece objects, no JSON.
import type { FileSummary, FilesPage, TorrentDetail, TorrentSummary } from '../../shared/snapshot.ts';
import { magnetFromMetainfo } from './metainfo/magnet.ts';
import type { Torrent } from './torrent.ts';

const magnets = new WeakMap<Torrent, string>();
const availBuffers = new WeakMap<Torrent, Uint16Array>();
/** Per Metainfo: the indices of the files that are not padding, and each file's path joined. */
const listed = new WeakMap<Torrent['meta'], { shown: number[]; paths: string[] }>();

function listOf(meta: Torrent['meta']): { shown: number[]; paths: string[] } {
  let l = listed.get(meta);
  if (l === undefined) {
    const shown: number[] = [];
    meta.files.forEach((f, i) => { if (!f.padding) shown.push(i); });
    l = { shown, paths: meta.files.map((f) => f.path.join('/')) };
    listed.set(meta, l);
  }
  return l;
}

export function torrentSummary(t: Torrent): TorrentSummary {
  let magnet = magnets.get(t);
  if (magnet === undefined) {
    magnet = magnetFromMetainfo(t.meta);
    magnets.set(t, magnet);
  }
  const picker = t.picker;
  const left = picker.wantedLeftBytes();
  let wanted = left;
  let doneBytes = 0;
  for (let i = 0; i < t.meta.files.length; i++) {
    const f = t.meta.files[i];
    if (f === undefined || f.padding || t.filePriorities[i] === 'skip') continue;
    doneBytes += t.fileDone[i] ?? 0;
  }
  wanted = doneBytes + left;
  let seeds = 0;
  for (const p of t.peers.values()) if (p.isSeed) seeds++;
  const downRate = t.down.rate();
  const upRate = t.up.rate();
  const summary: TorrentSummary = {
    id: t.id,
    name: t.meta.name,
    totalSize: t.meta.totalLength,
    doneBytes,
    progress: wanted <= 0 ? 1 : Math.min(1, doneBytes / wanted),
    status: t.status,
    downRate,
    upRate,
    downloaded: t.downloaded,
    uploaded: t.uploaded,
    peers: t.peers.size,
    seeds,
    eta: left === 0 ? 0 : downRate > 0 ? Math.ceil(left / downRate) : -1,
    ratio: t.downloaded > 0 ? t.uploaded / t.downloaded : 0,
    savePath: t.savePath,
    addedAt: t.addedAt,
    pieceCount: t.pieceMap.pieceCount,
    pieceLength: t.meta.pieceLength,
    magnet,
  };
  if (t.error !== undefined) summary.error = t.error;
  return summary;
}

export function torrentDetail(t: Torrent): TorrentDetail {
  const picker = t.picker;
  const counts = picker.availability.counts;
  let avail = availBuffers.get(t);
  if (avail === undefined || avail.length !== counts.length) {
    avail = new Uint16Array(counts.length);
    availBuffers.set(t, avail);
  }
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    avail[i] = c > 65535 ? 65535 : c;
  }
  const pc = t.pieceMap.pieceCount;
  return {
    id: t.id,
    have: picker.haveBitfield().bytes,
    downloading: picker.downloadingBitfield().bytes,
    availability: avail,
    seedCount: picker.availability.seeds,
    peers: [...t.peers.values()].map((p) => p.summary(pc)).concat(t.webSeeds.summaries()),
    trackers: t.announcer.trackers(),
  };
}

/** `count` of the torrent's files (padding files left out) from `from`: the rows the Files tab shows. */
export function torrentFiles(t: Torrent, from: number, count: number): FilesPage {
  const { shown, paths } = listOf(t.meta);
  const files: FileSummary[] = [];
  for (let k = from; k < shown.length && k < from + count; k++) {
    const index = shown[k] as number;
    const f = t.meta.files[index];
    if (f === undefined) continue;
    files.push({
      index,
      path: paths[index] as string,
      length: f.length,
      doneBytes: Math.min(f.length, t.fileDone[index] ?? 0),
      priority: t.filePriorities[index] ?? 'normal',
    });
  }
  return { total: shown.length, files };
}
