// Decides what the UI receives, and no more: the torrent list as rows that changed since the last
// tick (plus ids removed), and the detail of a torrent only for the clients that selected it.
// Pure: the worker calls tick() on a timer and posts what it returns.
import type { Events } from '../../shared/contract.ts';
import type { TorrentDetail, TorrentSummary } from '../../shared/snapshot.ts';

/** The peer table is virtualised, but nobody reads more than this many rows at 4 Hz. */
export const MAX_DETAIL_PEERS = 500;

function sameSummary(a: TorrentSummary, b: TorrentSummary): boolean {
  const ka = Object.keys(a) as Array<keyof TorrentSummary>;
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

export interface TickOutput {
  list: Events['torrents:update'] | null;
  details: Array<{ clientIds: string[]; detail: TorrentDetail }>;
}

export class SnapshotPublisher {
  #last = new Map<string, TorrentSummary>();
  #selected = new Map<string, string>();
  #first = true;

  select(clientId: string, id: string | null): void {
    if (id === null) this.#selected.delete(clientId);
    else this.#selected.set(clientId, id);
  }

  clientGone(clientId: string): void {
    this.#selected.delete(clientId);
  }

  selectedIds(): Set<string> {
    return new Set(this.#selected.values());
  }

  /** The list diff since the previous call (null when nothing changed). */
  listDiff(summaries: readonly TorrentSummary[]): Events['torrents:update'] | null {
    const changed: TorrentSummary[] = [];
    const seen = new Set<string>();
    for (const s of summaries) {
      seen.add(s.id);
      const prev = this.#last.get(s.id);
      if (prev === undefined || !sameSummary(prev, s)) {
        changed.push(s);
        this.#last.set(s.id, s);
      }
    }
    const removed: string[] = [];
    for (const id of this.#last.keys()) if (!seen.has(id)) removed.push(id);
    for (const id of removed) this.#last.delete(id);
    const full = this.#first;
    this.#first = false;
    if (!full && changed.length === 0 && removed.length === 0) return null;
    return { changed, removed, full };
  }

  tick(summaries: readonly TorrentSummary[], detailOf: (id: string) => TorrentDetail | undefined): TickOutput {
    const list = this.listDiff(summaries);
    const byTorrent = new Map<string, string[]>();
    for (const [client, id] of this.#selected) {
      const l = byTorrent.get(id);
      if (l) l.push(client);
      else byTorrent.set(id, [client]);
    }
    const details: TickOutput['details'] = [];
    for (const [id, clientIds] of byTorrent) {
      const d = detailOf(id);
      if (d === undefined) continue;
      details.push({ clientIds, detail: d.peers.length > MAX_DETAIL_PEERS ? { ...d, peers: d.peers.slice(0, MAX_DETAIL_PEERS) } : d });
    }
    return { list, details };
  }
}
