// Scrapes of one torrent's trackers: soon after the first answered announce, then every
// intervalMs while the announcer runs, at most one round at a time. Results (seeders, leechers,
// downloads) land in each tracker's summary for the UI; many trackers do not scrape, and a
// failed scrape is not an announce error, so failures just leave the figures as they were.
import type { TrackerSummary } from '../../../shared/snapshot.ts';
import type { TrackerClient } from './http-tracker.ts';

/** What a scrape reads and fills in of one tracker's state (the announcer's TrackerState). */
export interface ScrapeTarget {
  readonly client: TrackerClient | null;
  readonly summary: TrackerSummary;
}

export interface TrackerScrapesInit {
  infoHash: Uint8Array;
  /** The trackers as they stand now. */
  targets: () => Iterable<ScrapeTarget>;
  /** Whether the announcer runs (scrapes stop with it). */
  running: () => boolean;
  /** Summaries changed. */
  updated: () => void;
  intervalMs: number;
  firstDelayMs: number;
}

export class TrackerScrapes {
  readonly #o: TrackerScrapesInit;
  #timer: NodeJS.Timeout | null = null;
  #scraping: Promise<void> | null = null;

  constructor(o: TrackerScrapesInit) {
    this.#o = o;
  }

  /** Scrape every tracker that supports it, then report the update. */
  async all(signal?: AbortSignal): Promise<void> {
    const s = signal ?? AbortSignal.timeout(15_000);
    await Promise.all([...this.#o.targets()].map((t) => this.one(t, s)));
    this.#o.updated();
  }

  async one(t: ScrapeTarget, signal: AbortSignal): Promise<void> {
    if (t.client === null) return;
    try {
      const r = await t.client.scrape([this.#o.infoHash], signal);
      const e = r.values().next().value;
      if (e === undefined) return;
      t.summary.seeders = e.complete;
      t.summary.leechers = e.incomplete;
      t.summary.downloaded = e.downloaded;
      t.summary.scrapedAt = Date.now();
    } catch {
      // Many trackers do not scrape; the announce status says what matters.
    }
  }

  /** Scrapes soon after the first answered announce, then every intervalMs while running. */
  plan(): void {
    if (this.#timer !== null || !this.#o.running()) return;
    const run = (): void => {
      if (!this.#o.running() || this.#scraping !== null) return;
      this.#scraping = this.all().finally(() => { this.#scraping = null; });
    };
    this.#timer = setTimeout(() => {
      run();
      this.#timer = setInterval(run, this.#o.intervalMs);
      this.#timer.unref();
    }, this.#o.firstDelayMs);
    this.#timer.unref();
  }

  clear(): void {
    // clearTimeout and clearInterval are interchangeable in Node.
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
