// `tessera tracker`: a standalone HTTP + UDP tracker. Binds 127.0.0.1 unless told otherwise.
import type { Command } from 'commander';
import { ExitError } from '../exit-error.ts';
import { startTracker } from '../../tracker/index.ts';

const DEFAULT_PORT = 6969;

/** "HOST:PORT", "[v6]:PORT", ":PORT" or "PORT" -> { host, port } (host defaults to 127.0.0.1). */
export function parseHostPort(text: string): { host: string; port: number } {
  let host = '127.0.0.1';
  let portText = text;
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]*):(\d+)$/.exec(text);
  if (m) { host = m[1] === '' ? host : (m[1] ?? host); portText = m[2] ?? ''; }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new ExitError(`not HOST:PORT: ${text}`, 2);
  return { host, port: Number(portText) };
}

export function register(program: Command): void {
  program
    .command('tracker')
    .description('run a BitTorrent tracker (HTTP announce/scrape/stats and UDP, BEP 3/7/15/23/48)')
    .option('--http <host:port>', `HTTP endpoint (default 127.0.0.1:${DEFAULT_PORT})`)
    .option('--udp <host:port>', `UDP endpoint (default 127.0.0.1:${DEFAULT_PORT})`)
    .option('--no-http', 'no HTTP endpoint')
    .option('--no-udp', 'no UDP endpoint')
    .option('--interval <seconds>', 'announce interval asked of clients', '1800')
    .option('--allow <file>', 'serve only the info-hashes in this file (hex, one per line; reloaded on SIGHUP)')
    .option('--trust-proxy <cidr...>', 'believe X-Forwarded-For from these proxy ranges')
    .option('--rate-limit <per-second>', 'announces per second allowed per client address (IPv6: per /64), bursts of 10x; off by default')
    .action(async (o: { http?: string | boolean; udp?: string | boolean; interval: string; allow?: string; trustProxy?: string[]; rateLimit?: string }) => {
      const interval = Number(o.interval);
      if (!Number.isInteger(interval) || interval < 1 || interval > 86_400) throw new ExitError(`bad --interval: ${o.interval}`, 2);
      const perSecond = o.rateLimit === undefined ? undefined : Number(o.rateLimit);
      if (perSecond !== undefined && !(Number.isFinite(perSecond) && perSecond > 0 && perSecond <= 1e6)) throw new ExitError(`bad --rate-limit: ${o.rateLimit}`, 2);
      const pick = (v: string | boolean | undefined) => v === false ? undefined : parseHostPort(typeof v === 'string' ? v : String(DEFAULT_PORT));
      const http = pick(o.http);
      const udp = pick(o.udp);
      if (http === undefined && udp === undefined) throw new ExitError('nothing to serve: both --no-http and --no-udp', 2);
      const t = await startTracker({
        ...(http ? { http } : {}), ...(udp ? { udp } : {}), interval,
        ...(o.allow !== undefined ? { allowlistFile: o.allow } : {}),
        ...(o.trustProxy !== undefined ? { trustProxy: o.trustProxy } : {}),
        ...(perSecond !== undefined ? { rateLimit: { perSecond } } : {}),
        log: (line) => console.error(`tracker: ${line}`),
      });
      if (t.httpUrl) console.log(`HTTP announce: ${t.httpUrl}\nHTTP scrape:   ${t.httpUrl.replace(/announce$/, 'scrape')}\nstats:         ${t.httpUrl.replace(/announce$/, 'stats')} (and /metrics)`);
      if (t.udpUrl) console.log(`UDP announce:  ${t.udpUrl}`);
      await new Promise<void>((resolve) => {
        const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await t.close();
    });
}
