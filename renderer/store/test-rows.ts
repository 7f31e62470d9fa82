// Row builders for the store tests.
import type { TorrentSummary } from '../../shared/snapshot.ts';

export function row(id: string, over: Partial<TorrentSummary> = {}): TorrentSummary {
  return {
    id, name: `torrent ${id}`, totalSize: 1000, doneBytes: 0, progress: 0, status: 'downloading',
    downRate: 0, upRate: 0, downloaded: 0, uploaded: 0, peers: 0, seeds: 0, eta: -1, ratio: 0,
    savePath: '/dl', addedAt: 0, pieceCount: 10, pieceLength: 100, magnet: `magnet:?xt=urn:btih:${id}`, ...over,
  };
}
