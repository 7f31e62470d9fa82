// Numbers for people: sizes in binary units (as the OS file managers of the platform do in
// qBittorrent/Transmission), rates per second, ETA in the two largest units.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  if (n < 1024) return `${n} B`;
  let u = 0;
  let v = n;
  while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[u]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : '';
}

export function formatEta(seconds: number): string {
  if (seconds < 0 || !Number.isFinite(seconds)) return '∞';
  if (seconds === 0) return '';
  const s = Math.round(seconds);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  if (d >= 100) return '> 100d';
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

export function formatPercent(fraction: number): string {
  const p = Math.max(0, Math.min(1, fraction)) * 100;
  // 99.95% must not round up to "100%" while a piece is still missing.
  if (p < 100 && p >= 99.9) return '99.9%';
  return `${p.toFixed(1)}%`;
}

export function formatRatio(r: number): string {
  if (!Number.isFinite(r) || r < 0) return '∞';
  return r.toFixed(2);
}

export function formatDate(ms: number): string {
  if (!ms) return '';
  const d = new Date(ms);
  const pad = (x: number): string => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
