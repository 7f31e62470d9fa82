// A hybrid torrent (BEP 52) is two swarms on a tracker: peers announce under the v1 info-hash or
// under the SHA-256 info-hash truncated to 20 bytes. This announcer is the v1 one (its tracker
// list and summaries are what the UI shows) and drives a twin for the v2 hash: same trackers,
// same lifecycle, its peers and warnings forwarded.
import { Announcer, type AnnouncerInit, type AnnouncerOptions, type TransferStats } from './announcer.ts';

export class HybridAnnouncer extends Announcer {
  readonly #twin: Announcer;

  constructor(init: AnnouncerInit, v2Hash: Uint8Array, stats: () => TransferStats, opts: AnnouncerOptions = {}) {
    super(init, stats, opts);
    this.#twin = new Announcer({ ...init, infoHash: v2Hash }, stats, opts);
    this.#twin.on('peers', (list) => this.emit('peers', list));
    this.#twin.on('warning', (m) => this.emit('warning', `(v2 swarm) ${m}`));
  }

  override start(): void {
    super.start();
    this.#twin.start();
  }

  override completed(): void {
    super.completed();
    this.#twin.completed();
  }

  override reannounce(): void {
    super.reannounce();
    this.#twin.reannounce();
  }

  override async stop(): Promise<void> {
    await Promise.all([super.stop(), this.#twin.stop()]);
  }

  override addTracker(url: string, tier?: number): void {
    super.addTracker(url, tier);
    this.#twin.addTracker(url, tier);
  }

  override removeTracker(url: string): void {
    super.removeTracker(url);
    this.#twin.removeTracker(url);
  }
}

/** The announcer for a torrent that goes by `hashes` (one, or v1 + truncated v2 for a hybrid). */
export function announcerFor(hashes: readonly Uint8Array[], init: AnnouncerInit, stats: () => TransferStats): Announcer {
  const v2 = hashes[1];
  return v2 !== undefined ? new HybridAnnouncer(init, v2, stats) : new Announcer(init, stats);
}
