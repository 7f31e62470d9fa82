// `tessera download <file.torrent>`: downloads with the engine's Session, showing a progress line
// (rate, peers, ETA) on stderr; exits 0 when complete, or keeps seeding with --seed until Ctrl-C
// (which announces `stopped`). State (resume data) lives in --state, one folder per torrent by
// default, so a killed download resumes without re-downloading verified pieces.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FilePriority, TorrentSummary } from '../../../shared/snapshot.ts';
import { parseTorrent } from '../../engine/metainfo/parse-torrent.ts';
import { fastPairs } from '../../engine/hashing/native-sha1.ts';
import { Session } from '../../engine/session.ts';
import { torrentIdentity } from '../../engine/torrent-v2.ts';
import { PUBLIC_BOOTSTRAP, type SessionDhtOptions } from '../../engine/session-dht.ts';
import { ExitError } from '../exit-error.ts';
import { formatBytes } from '../progress.ts';

export interface TransferOptions {
  port: string;
  peer: string[];
  maxUp?: string;
  maxDown?: string;
  state?: string;
  host: string;
  dht?: boolean;
  dhtBootstrap?: string[];
}

/** --dht / --dht-bootstrap as the Session's DHT options (undefined = off). Bootstrap nodes use the
 *  --peer syntax and are checked before anything starts. */
export function dhtOptionsFrom(o: Pick<TransferOptions, 'dht' | 'dhtBootstrap'>): SessionDhtOptions | undefined {
  for (const b of o.dhtBootstrap ?? []) parsePeer(b);
  return o.dht === true || o.dhtBootstrap !== undefined ? { bootstrap: o.dhtBootstrap ?? PUBLIC_BOOTSTRAP } : undefined;
}

/** "0,2-5" → {0,2,3,4,5}; throws on anything else or an index out of range. */
export function parseFileSpec(spec: string, count: number): Set<number> {
  const out = new Set<number>();
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new ExitError(`bad --files item ${JSON.stringify(part)} (use e.g. 0,2-5)`, 2);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a > b || b >= count) throw new ExitError(`--files ${part}: the torrent has files 0-${count - 1}`, 2);
    for (let i = a; i <= b; i++) out.add(i);
  }
  if (out.size === 0) throw new ExitError('--files selects no file', 2);
  return out;
}

/** "500k", "2M", "1.5MiB", "100000" → bytes per second (binary units); 0 = unlimited. */
export function parseRate(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?(?:\/s)?$/i.exec(s.trim());
  if (!m) throw new ExitError(`bad rate ${JSON.stringify(s)} (use e.g. 500k or 2M)`, 2);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * mult);
}

export function parsePeer(s: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(s.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) throw new ExitError(`bad --peer ${JSON.stringify(s)} (use HOST:PORT)`, 2);
  return { host: m[1] as string, port };
}

export function defaultStateDir(infoHash: string): string {
  const base = process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state');
  return join(base, 'tessera', 'cli', infoHash);
}

export async function readTorrent(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new ExitError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, 2);
  }
}

/** One status line: "downloading 42.0% 12.3 MiB/30 MiB ↓ 5.1 MiB/s ↑ 0 B/s peers 3 ETA 0:04". */
export function statusLine(s: TorrentSummary): string {
  const eta = s.eta < 0 ? '--:--' : `${Math.floor(s.eta / 60)}:${String(s.eta % 60).padStart(2, '0')}`;
  return `${s.status} ${(s.progress * 100).toFixed(1)}% ${formatBytes(s.doneBytes)} ↓ ${formatBytes(s.downRate)}/s ↑ ${formatBytes(s.upRate)}/s peers ${s.peers} (${s.seeds} seeds) ETA ${eta}`;
}

/** Drive a session until the torrent completes (or forever with keepSeeding), printing progress. */
export async function runTransfer(session: Session, id: string, keepSeeding: boolean): Promise<void> {
  const tty = process.stderr.isTTY === true;
  let lastPrint = 0;
  const print = (s: TorrentSummary, force = false): void => {
    const now = Date.now();
    if (!force && now - lastPrint < (tty ? 250 : 5000)) return;
    lastPrint = now;
    if (tty) process.stderr.write(`\r\x1b[2K${statusLine(s)}`);
    else process.stderr.write(`${statusLine(s)}\n`);
  };
  let stopping = false;
  const stopped = new Promise<'signal'>((res) => {
    const onSig = (): void => { if (!stopping) { stopping = true; res('signal'); } };
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
  });
  session.on('torrent:warning', (_id, m) => { if (process.env.TESSERA_VERBOSE) process.stderr.write(`\nwarning: ${m}\n`); });
  let announcedDone = false;
  for (;;) {
    const s = session.summaries().find((x) => x.id === id);
    if (s === undefined) throw new ExitError('torrent vanished from the session', 1);
    if (s.status === 'error') {
      await session.close();
      throw new ExitError(`download failed: ${s.error ?? 'unknown error'}`, 1);
    }
    print(s);
    if ((s.status === 'seeding' || s.status === 'completed') && !announcedDone) {
      announcedDone = true;
      print(s, true);
      if (tty) process.stderr.write('\n');
      const t = session.torrent(id);
      process.stdout.write(`complete: ${s.name} (${formatBytes(s.totalSize)}), ${t?.piecesThisRun ?? 0} pieces downloaded this run\n`);
      if (!keepSeeding) break;
      process.stderr.write('seeding; Ctrl-C to stop\n');
    }
    const r = await Promise.race([stopped, new Promise<'tick'>((res) => setTimeout(() => res('tick'), 250))]);
    if (r === 'signal') {
      if (tty) process.stderr.write('\n');
      await session.close();
      if (!announcedDone) throw new ExitError('interrupted; run the same command again to resume', 130);
      return;
    }
  }
  await session.close();
}

export async function openForTorrent(bytes: Uint8Array, o: TransferOptions): Promise<{ session: Session; id: string }> {
  const meta = parseTorrent(bytes, { pairs: fastPairs });
  const id = torrentIdentity(meta).id; // the v1 info-hash, or the truncated v2 one for v2-only torrents
  // BEP 27: a private torrent's peers come from its trackers only, so the DHT stays off for it.
  let dht = dhtOptionsFrom(o);
  if (dht !== undefined && meta.private) {
    process.stderr.write('note: private torrent: the DHT stays off (BEP 27)\n');
    dht = undefined;
  }
  return { session: await openCliSession(o, id, dht), id };
}

/** The session a CLI transfer runs in: its own state folder per info-hash, listen port and limits from the flags. */
export async function openCliSession(o: TransferOptions, id: string, dht: SessionDhtOptions | undefined): Promise<Session> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ExitError(`bad --port ${o.port}`, 2);
  return Session.open({
    stateDir: resolve(o.state ?? defaultStateDir(id)),
    listenHost: o.host,
    ...(dht !== undefined ? { dht } : {}),
    settings: {
      listenPort: port,
      maxUploadRate: o.maxUp === undefined ? 0 : parseRate(o.maxUp),
      maxDownloadRate: o.maxDown === undefined ? 0 : parseRate(o.maxDown),
    },
  });
}

export function register(program: Command): void {
  program
    .command('download')
    .description('download a torrent (exits 0 when complete; --seed keeps seeding until Ctrl-C)')
    .argument('<file.torrent>', 'the .torrent file or a magnet: link')
    .option('-o, --out <dir>', 'download folder', '.')
    .option('-p, --port <n>', 'listen port (0 = any free port)', '6881')
    .option('--host <addr>', 'listen address', '0.0.0.0')
    .option('--peer <host:port...>', 'connect to these peers (repeatable)', [])
    .option('--files <list>', 'only these files, by index: e.g. 0,2-5 (see `tessera info`)')
    .option('--seed', 'keep seeding after completion until Ctrl-C')
    .option('--max-up <rate>', 'upload limit, e.g. 500k, 2M (bytes/s)')
    .option('--max-down <rate>', 'download limit, e.g. 500k, 2M (bytes/s)')
    .option('--state <dir>', 'resume-data folder (default: $XDG_STATE_HOME/tessera/cli/<info-hash>)')
    .option('--dht', 'find peers through the DHT (BEP 5; not for private torrents), bootstrapping from the public routers')
    .option('--dht-bootstrap <host:port...>', 'DHT bootstrap nodes instead of the public routers (implies --dht)')
    .action(async (file: string, o: TransferOptions & { out: string; files?: string; seed?: boolean }) => {
      if (/^magnet:\?/i.test(file)) return (await import('./download-magnet.ts')).downloadMagnet(file, o);
      const bytes = await readTorrent(file);
      const meta = parseTorrent(bytes, { pairs: fastPairs });
      const selected = o.files === undefined ? undefined : parseFileSpec(o.files, meta.files.length);
      const peers = o.peer.map(parsePeer);
      const { session, id } = await openForTorrent(bytes, o);
      const filePriorities: FilePriority[] = meta.files.map((_, i) => (selected === undefined || selected.has(i) ? 'normal' : 'skip'));
      await session.addTorrent(bytes, { savePath: resolve(o.out), filePriorities, peers });
      session.setFilePriorities(id, filePriorities.map((priority, index) => ({ index, priority })));
      const t = session.torrent(id);
      if (t !== undefined) {
        await t.ready;
        const dhtNote = session.dht !== undefined ? `; DHT on UDP port ${session.dht.node.port}` : '';
        process.stdout.write(`listening on port ${session.port}${dhtNote}; ${t.resumedPieces} verified pieces from resume data, ${t.recheckedPieces} re-checked\n`);
      }
      await runTransfer(session, id, o.seed === true);
    });
}
