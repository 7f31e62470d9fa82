// BENCHMARK HARNESS ONLY. A generator of realistic synthetic engine events — a list of N
// torrents with a share of them active, and one large torrent (100,000 pieces by default)
// whose detail (bitfields, availability, peers) changes every tick. Used by bench.html /
// bench-main.tsx (npm run bench:ui) and never by the app, which only shows what the engine sends.
// Deterministic for a given seed, so runs are comparable.
import type { Events } from '../../shared/contract.ts';
import type { FilesPage, PeerSummary, TorrentDetail, TorrentStatus, TorrentSummary } from '../../shared/snapshot.ts';

export interface FeedOptions {
  torrents: number;
  bigPieces: number;
  /** Share of torrents whose row changes every tick (transferring). */
  activeShare: number;
  peers: number;
  seed: number;
}
/** The big torrent's file list (torrent:files answers it in the UI benchmark). */
export const SYNTHETIC_FILES: FilesPage = {
  total: 3,
  files: [
    { index: 0, path: 'big-dataset/part-0001.bin', length: 13e9, doneBytes: 5.2e9, priority: 'normal' },
    { index: 1, path: 'big-dataset/part-0002.bin', length: 13e9, doneBytes: 5.1e9, priority: 'high' },
    { index: 2, path: 'big-dataset/README.txt', length: 4096, doneBytes: 4096, priority: 'normal' },
  ],
};

export const DEFAULT_FEED: FeedOptions = { torrents: 2000, bigPieces: 100_000, activeShare: 0.25, peers: 60, seed: 42 };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = [
  'ubuntu-24.04.1-desktop-amd64.iso', 'debian-12.7.0-amd64-DVD-1.iso', 'archlinux-2024.10.01-x86_64.iso',
  'Fedora-Workstation-Live-x86_64-41.iso', 'linuxmint-22-cinnamon-64bit.iso', 'Big Buck Bunny (2008) [1080p]',
  'Sintel.2010.4K.mkv', 'Tears of Steel 2012 2160p', 'wikipedia_en_all_maxi_2024-01.zim', 'planet-241007.osm.pbf',
  'LibreOffice_24.8.2_Linux_x86-64_deb', 'Blender 4.2 LTS demo files', 'Internet Archive - Prelinger Collection',
  'NASA Apollo 11 Onboard Audio', 'Project Gutenberg DVD 2010', 'kali-linux-2024.3-installer-amd64.iso',
  'openSUSE-Tumbleweed-DVD-x86_64-Current.iso', 'FreeBSD-14.1-RELEASE-amd64-dvd1.iso', 'Cosmos Laundromat (2015)',
  'Common Voice Corpus 17.0 (en)', 'ImageNet validation subset', 'Spring (Blender Studio) 4K', 'Elephants Dream HD',
];
const CLIENTS = ['qBittorrent 4.6.5', 'Transmission 4.0.6', 'libtorrent (Rasterbar) 2.0.10', 'Deluge 2.1.1', 'µTorrent 3.6.0', 'BiglyBT 3.6.0', 'aria2 1.37.0', 'Tessera 0.1.0', 'rTorrent 0.9.8'];
const ERRORS = ['ENOSPC: no space left on device, write', 'tracker announce failed: ECONNREFUSED 127.0.0.1:6969', 'EACCES: permission denied, open \'/data/downloads\''];

const hex = (r: () => number): string => Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');

export class SyntheticFeed {
  readonly opts: FeedOptions;
  readonly bigId: string;
  private readonly r: () => number;
  private rows = new Map<string, TorrentSummary>();
  private readonly active: string[] = [];
  private tickNo = 0;
  private have: Uint8Array;
  private readonly availability: Uint16Array;
  private peers: PeerSummary[] = [];
  private nextPeer = 1;

  constructor(opts: Partial<FeedOptions> = {}) {
    this.opts = { ...DEFAULT_FEED, ...opts };
    this.r = mulberry32(this.opts.seed);
    const now = Date.UTC(2026, 0, 1);
    for (let i = 0; i < this.opts.torrents; i++) {
      const id = hex(this.r);
      const big = i === 0;
      const pieceLength = big ? 256 * 1024 : 2 ** (18 + Math.floor(this.r() * 5));
      const pieceCount = big ? this.opts.bigPieces : 50 + Math.floor(this.r() * 8000);
      const roll = this.r();
      const status: TorrentStatus = big ? 'downloading'
        : roll < 0.35 ? 'seeding' : roll < 0.65 ? 'downloading' : roll < 0.8 ? 'paused' : roll < 0.9 ? 'completed'
        : roll < 0.93 ? 'metadata' : roll < 0.97 ? 'checking' : 'error';
      const total = pieceCount * pieceLength - Math.floor(this.r() * pieceLength);
      const progress = status === 'seeding' || status === 'completed' ? 1 : status === 'metadata' ? 0 : big ? 0.4 : Math.round(this.r() * 1000) / 1000;
      const base = NAMES[i % NAMES.length]!;
      const row: TorrentSummary = {
        id, name: i < NAMES.length ? base : `${base.replace(/(\.[a-z0-9]+)?$/, ` (${Math.floor(i / NAMES.length) + 1})$1`)}`,
        totalSize: total, doneBytes: Math.floor(total * progress), progress, status,
        downRate: 0, upRate: 0, downloaded: Math.floor(total * progress), uploaded: Math.floor(total * this.r() * 3),
        peers: 0, seeds: 0, eta: -1, ratio: 0, savePath: '/home/user/Downloads', addedAt: now - Math.floor(this.r() * 3e10),
        pieceCount, pieceLength, magnet: `magnet:?xt=urn:btih:${id}&dn=${encodeURIComponent(base)}`,
      };
      if (status === 'error') row.error = ERRORS[i % ERRORS.length]!;
      row.ratio = row.downloaded ? row.uploaded / row.downloaded : 0;
      this.rows.set(id, row);
      if (big || ((status === 'downloading' || status === 'seeding') && this.r() < this.opts.activeShare / 0.65)) this.active.push(id);
    }
    this.bigId = [...this.rows.keys()][0]!;
    const n = this.opts.bigPieces;
    this.have = new Uint8Array(Math.ceil(n / 8));
    // Had pieces come in runs (the picker hands out neighbouring pieces), about 40% in all.
    for (let i = 0; i < n;) {
      const run = 1 + Math.floor(this.r() * 400);
      if (this.r() < 0.4) for (let k = i; k < Math.min(n, i + run); k++) this.setHave(k);
      i += run;
    }
    // Availability: a smooth swarm-wide shape plus noise, and a few pieces nobody has.
    this.availability = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      this.availability[i] = this.r() < 0.0003 ? 0 : this.base(i) + Math.round(this.r() * 2 - 1);
    }
    for (let k = 0; k < this.opts.peers; k++) this.peers.push(this.newPeer());
  }

  /** The swarm-wide shape of availability: some regions rarer than others. */
  private base(i: number): number {
    return Math.round(9 + 4 * Math.sin(i / 9000) + 2 * Math.sin(i / 1300));
  }

  private setHave(i: number): void { this.have[i >> 3] = (this.have[i >> 3] ?? 0) | (0x80 >> (i & 7)); }
  private hasPiece(i: number): boolean { return ((this.have[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0; }

  private newPeer(): PeerSummary {
    const r = this.r;
    const k = this.nextPeer++;
    const v6 = r() < 0.15;
    const ip = v6 ? `2001:db8::${k.toString(16)}` : `198.51.${Math.floor(r() * 255)}.${Math.floor(r() * 254) + 1}`;
    const peer: PeerSummary = {
      id: '', ip, port: 1024 + Math.floor(r() * 60000), client: CLIENTS[Math.floor(r() * CLIENTS.length)]!,
      flags: { amChoking: r() < 0.7, amInterested: r() < 0.8, peerChoking: r() < 0.5, peerInterested: r() < 0.4, incoming: r() < 0.3, snubbed: r() < 0.03 },
      source: (['tracker', 'tracker', 'dht', 'pex', 'incoming', 'lsd'] as const)[Math.floor(r() * 6)]!,
      progress: Math.round(r() * 1000) / 1000, downRate: 0, upRate: 0, downloaded: 0, uploaded: 0,
    };
    peer.id = v6 ? `[${ip}]:${peer.port}` : `${ip}:${peer.port}`;
    if (r() < 0.6) peer.hostname = `${['cpe', 'host', 'dyn', 'static'][k % 4]}-${ip.replace(/[.:]/g, '-')}.${['example.net', 'isp.example', 'fiber.example.org'][k % 3]}`;
    return peer;
  }

  /** The first event: every row. */
  initial(): Events['torrents:update'] {
    return { full: true, changed: [...this.rows.values()], removed: [] };
  }

  /** One tick (the engine publishes at 4 Hz): changed rows, the big torrent's detail, session stats. */
  tick(): { update: Events['torrents:update']; detail: TorrentDetail; stats: Events['session:stats']; error?: Events['engine:error'] } {
    const r = this.r;
    this.tickNo++;
    const changed: TorrentSummary[] = [];
    let down = 0, up = 0;
    for (const id of this.active) {
      const old = this.rows.get(id)!;
      const seeding = old.status === 'seeding';
      const downRate = seeding ? 0 : Math.floor(r() * 4e6);
      const upRate = Math.floor(r() * (seeding ? 1.5e6 : 4e5));
      const doneBytes = Math.min(old.totalSize, old.doneBytes + Math.floor(downRate / 4));
      const progress = old.totalSize ? doneBytes / old.totalSize : 1;
      const uploaded = old.uploaded + Math.floor(upRate / 4);
      const downloaded = old.downloaded + Math.floor(downRate / 4);
      const row: TorrentSummary = {
        ...old, downRate, upRate, doneBytes, progress, uploaded, downloaded,
        status: progress >= 1 && !seeding ? 'seeding' : old.status,
        peers: 3 + Math.floor(r() * 40), seeds: Math.floor(r() * 12),
        eta: downRate > 0 ? Math.round((old.totalSize - doneBytes) / downRate) : seeding ? 0 : -1,
        ratio: downloaded ? uploaded / downloaded : 0,
      };
      down += downRate; up += upRate;
      this.rows.set(id, row);
      changed.push(row);
    }
    const update: Events['torrents:update'] = { full: false, changed, removed: [] };
    const out: ReturnType<SyntheticFeed['tick']> = { update, detail: this.detail(), stats: { downRate: down, upRate: up, port: 51413 } };
    if (this.tickNo % 40 === 0) out.error = { id: this.active[this.tickNo % this.active.length]!, message: 'tracker announce failed: ETIMEDOUT', severity: 'warning' };
    return out;
  }

  private detail(): TorrentDetail {
    const r = this.r;
    const n = this.opts.bigPieces;
    // ~200 pieces finish per tick, in runs (sequential blocks), the way a picker hands them out.
    for (let k = 0; k < 20; k++) {
      const start = Math.floor(r() * n);
      for (let i = start; i < Math.min(n, start + 10); i++) this.setHave(i);
    }
    const downloading = new Uint8Array(this.have.length);
    for (let k = 0, picked = 0; k < 2000 && picked < 64; k++) {
      const i = Math.floor(r() * n);
      if (!this.hasPiece(i)) { downloading[i >> 3] = (downloading[i >> 3] ?? 0) | (0x80 >> (i & 7)); picked++; }
    }
    // Peers come and go: each tick one may be dropped (a bad peer) and one may join.
    if (r() < 0.3 && this.peers.length > 1) this.peers.splice(Math.floor(r() * this.peers.length), 1);
    if (r() < 0.3) this.peers.push(this.newPeer());
    this.peers = this.peers.map((p) => {
      const downRate = p.flags.amInterested && !p.flags.peerChoking ? Math.floor(r() * 800_000) : 0;
      const upRate = p.flags.peerInterested && !p.flags.amChoking ? Math.floor(r() * 200_000) : 0;
      return { ...p, downRate, upRate, downloaded: p.downloaded + downRate / 4, uploaded: p.uploaded + upRate / 4, progress: Math.min(1, p.progress + r() * 0.001) };
    });
    // Availability drifts on a few thousand pieces as peers announce HAVEs.
    const availability = this.availability;
    for (let k = 0; k < 3000; k++) {
      const i = Math.floor(r() * n);
      const a = availability[i]!;
      // A random walk pulled back toward the base shape, so it drifts without collapsing to 0.
      const up = r() < 0.5 + (this.base(i) - a) * 0.1;
      availability[i] = up ? Math.min(65535, a + 1) : Math.max(0, a - 1);
    }
    return {
      id: this.bigId, have: this.have.slice(), downloading, availability: availability.slice(), seedCount: 5,
      peers: this.peers,
      trackers: [
        { url: 'udp://tracker.example.org:6969/announce', tier: 0, status: 'working', seeders: 12, leechers: 48, peersReceived: 50, nextAnnounce: Date.now() + 1_500_000 },
        { url: 'http://tracker.example.net/announce', tier: 1, status: 'error', lastError: 'ETIMEDOUT', peersReceived: 0, nextAnnounce: Date.now() + 300_000 },
      ],
    };
  }
}
