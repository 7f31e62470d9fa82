// Debian's opentracker for e2e specs: whitelist-only and chrooted into its folder (see
// /work/shared/REFERENCE-PEERS.md), on a random port in 20000–60000 retried when taken.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Opentracker { port: number; announce: string; udpAnnounce: string; stop(): Promise<void> }

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Starts opentracker serving exactly the given v1 info-hashes (hex). */
export async function startOpentracker(infoHashes: string[]): Promise<Opentracker> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-ot-'));
  await writeFile(join(dir, 'whitelist.txt'), `${infoHashes.join('\n')}\n`, { mode: 0o644 });
  await chmod(dir, 0o755); // it drops root after chroot: mkdtemp's 0700 would hide the whitelist
  for (let attempt = 0; attempt < 8; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const proc = spawn('opentracker', ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-d', dir, '-w', '/whitelist.txt'], { stdio: 'ignore' });
    let exited = false;
    const gone = new Promise<void>((r) => proc.once('exit', () => { exited = true; r(); }));
    const end = Date.now() + 5000;
    while (!exited && Date.now() < end && !(await canConnect(port))) await new Promise((r) => setTimeout(r, 50));
    if (!exited && (await canConnect(port))) {
      return {
        port, announce: `http://127.0.0.1:${port}/announce`, udpAnnounce: `udp://127.0.0.1:${port}/announce`,
        stop: async () => {
          if (!exited) {
            proc.kill('SIGTERM');
            const t = setTimeout(() => { if (!exited) proc.kill('SIGKILL'); }, 2000);
            await gone;
            clearTimeout(t);
          }
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    if (!exited) { proc.kill('SIGKILL'); await gone; }
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error('could not start opentracker on any port');
}
