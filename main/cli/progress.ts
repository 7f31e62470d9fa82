// A byte-progress bar on stderr (bytes, rate, ETA), shown only when stderr is a TTY, so piped
// and --json output stays clean. Shared by every command that hashes or transfers.
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';

// Loaded only when a bar is shown: piped runs (and every command that only formats bytes) skip it.
const loadCliProgress = (): typeof CliProgress => createRequire(import.meta.url)('cli-progress') as typeof CliProgress;

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

function formatEta(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--:--';
  const m = Math.floor(s / 60), sec = Math.floor(s % 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(sec).padStart(2, '0')}`;
}

export interface ByteProgress {
  update(done: number, total: number): void;
  stop(): void;
}

export function byteProgress(label: string, opts: { enabled?: boolean; stream?: NodeJS.WriteStream } = {}): ByteProgress {
  const stream = opts.stream ?? process.stderr;
  if (!(opts.enabled ?? stream.isTTY)) return { update() {}, stop() {} };
  const started = Date.now();
  const cliProgress = loadCliProgress();
  const bar = new cliProgress.SingleBar({
    stream,
    hideCursor: true,
    clearOnComplete: false,
    fps: 8,
    format: `${label} [{bar}] {percentage}% {doneH}/{totalH} {rate} ETA {etaH}`,
  }, cliProgress.Presets.shades_classic);
  let startedBar = false;
  return {
    update(done, total) {
      const secs = (Date.now() - started) / 1000;
      const rate = secs > 0 ? done / secs : 0;
      const payload = { doneH: formatBytes(done), totalH: formatBytes(total), rate: `${formatBytes(rate)}/s`, etaH: formatEta(rate > 0 ? (total - done) / rate : NaN) };
      if (!startedBar) { bar.start(Math.max(total, 1), done, payload); startedBar = true; }
      else { bar.setTotal(Math.max(total, 1)); bar.update(done, payload); }
    },
    stop() { if (startedBar) bar.stop(); },
  };
}
