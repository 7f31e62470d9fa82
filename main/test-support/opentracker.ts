// Debian's opentracker for tests: whitelist-only and chrooted into its folder (see
// ../shared/REFERENCE-PEERS.md), on a random port in 20000–60000, retried when taken.
// Ready means it accepts an announce for a whitelisted hash: the port accepting connections is
// not enough, because opentracker loads its whitelist in a thread of its own after binding (an
// announce in that window is "not authorized"), and a port that accepts may belong to another
// process while ours is failing to bind it. The probe must be a `started` announce: a `stopped`
// one is answered without looking at the whitelist (CI failed on exactly that race). The probe
// peer is removed again with a `stopped` announce before the tracker is handed out, so tests see
// an empty swarm.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Opentracker { port: number; announce: string; udpAnnounce: string; stop(): Promise<void> }

const escapeHex = (hex: string): string => hex.replace(/../g, (b) => `%${b}`);

/** One HTTP announce; resolves to the reply body, or null when nothing answered in time. */
function probe(port: number, infoHashHex: string, event: 'started' | 'stopped'): Promise<string | null> {
  const path = `/announce?info_hash=${escapeHex(infoHashHex)}&peer_id=-TS0000-probe0000000&port=1&uploaded=0&downloaded=0&left=0&event=${event}&numwant=0&compact=1`;
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 1000, agent: false }, (res) => { // opentracker closes each connection
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve(body));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/** Starts opentracker serving exactly the given v1 info-hashes (hex, at least one). */
export async function startOpentracker(infoHashes: string[]): Promise<Opentracker> {
  const first = infoHashes[0];
  if (first === undefined) throw new Error('opentracker needs at least one whitelisted info-hash');
  const dir = await mkdtemp(join(tmpdir(), 'tessera-ot-'));
  await writeFile(join(dir, 'whitelist.txt'), `${infoHashes.join('\n')}\n`, { mode: 0o644 });
  await chmod(dir, 0o755); // it drops root after chroot: mkdtemp's 0700 would hide the whitelist
  for (let attempt = 0; attempt < 8; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const proc = spawn('opentracker', ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-d', dir, '-w', '/whitelist.txt'], { stdio: 'ignore' });
    let exited = false;
    const gone = new Promise<void>((r) => proc.once('exit', () => { exited = true; r(); }));
    const end = Date.now() + 5000;
    let ready = false;
    while (!exited && !ready && Date.now() < end) {
      const reply = await probe(port, first, 'started');
      ready = reply !== null && reply.startsWith('d') && !reply.includes('failure reason');
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
    if (ready && (await probe(port, first, 'stopped')) === null) ready = false; // take the probe peer out
    if (ready && !exited) {
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
