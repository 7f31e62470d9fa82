// Tracker counters and their rates, as JSON and in the Prometheus text format. Pure: the owner
// calls tick(now) about once a second; rates are averaged over the last `windowSec` seconds.

export interface Gauges { torrents: number; peers: number; seeders: number }

type CounterName = 'announces' | 'scrapes' | 'connects' | 'errors';
const COUNTERS: readonly CounterName[] = ['announces', 'scrapes', 'connects', 'errors'];

export class TrackerStats {
  readonly counts: Record<CounterName, number> = { announces: 0, scrapes: 0, connects: 0, errors: 0 };
  readonly #history: Array<{ t: number; counts: Record<CounterName, number> }> = [];
  readonly #windowSec: number;
  readonly #startedAt: number;

  constructor(now: number, windowSec = 10) {
    this.#windowSec = windowSec;
    this.#startedAt = now;
    this.#history.push({ t: now, counts: { ...this.counts } });
  }

  tick(now: number): void {
    this.#history.push({ t: now, counts: { ...this.counts } });
    // Keep one sample older than the window so the rate always spans a full window.
    while (this.#history.length > 2 && (this.#history[1]?.t ?? now) <= now - this.#windowSec * 1000) this.#history.shift();
  }

  rates(now: number): Record<CounterName, number> {
    const oldest = this.#history[0];
    const out = { announces: 0, scrapes: 0, connects: 0, errors: 0 };
    if (oldest === undefined) return out;
    const sec = Math.max((now - oldest.t) / 1000, 0.001);
    for (const k of COUNTERS) out[k] = Math.round(((this.counts[k] - oldest.counts[k]) / sec) * 10) / 10;
    return out;
  }

  json(g: Gauges, now: number): Record<string, number> {
    const r = this.rates(now);
    return {
      torrents: g.torrents,
      peers: g.peers,
      seeders: g.seeders,
      leechers: g.peers - g.seeders,
      announces: this.counts.announces,
      scrapes: this.counts.scrapes,
      connects: this.counts.connects,
      errors: this.counts.errors,
      announcesPerSecond: r.announces,
      scrapesPerSecond: r.scrapes,
      errorsPerSecond: r.errors,
      uptimeSeconds: Math.round((now - this.#startedAt) / 1000),
    };
  }

  prometheus(g: Gauges, now: number): string {
    const r = this.rates(now);
    const lines: string[] = [];
    const metric = (name: string, type: 'gauge' | 'counter', help: string, value: number): void => {
      lines.push(`# HELP tessera_tracker_${name} ${help}`, `# TYPE tessera_tracker_${name} ${type}`, `tessera_tracker_${name} ${value}`);
    };
    metric('torrents', 'gauge', 'Swarms with at least one peer.', g.torrents);
    metric('peers', 'gauge', 'Peers in all swarms.', g.peers);
    metric('seeders', 'gauge', 'Seeders in all swarms.', g.seeders);
    metric('announces_total', 'counter', 'Announces answered (HTTP and UDP).', this.counts.announces);
    metric('scrapes_total', 'counter', 'Scrapes answered (HTTP and UDP).', this.counts.scrapes);
    metric('udp_connects_total', 'counter', 'UDP connect requests answered.', this.counts.connects);
    metric('errors_total', 'counter', 'Requests refused with a failure reason or error packet.', this.counts.errors);
    metric('announces_per_second', 'gauge', `Announce rate over the last ${this.#windowSec} s.`, r.announces);
    metric('errors_per_second', 'gauge', `Error rate over the last ${this.#windowSec} s.`, r.errors);
    return `${lines.join('\n')}\n`;
  }
}
