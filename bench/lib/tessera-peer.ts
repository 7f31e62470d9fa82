// A Tessera peer as its own process for bench/download.ts, so its CPU time can be read from its
// own rusage (process.resourceUsage covers every thread, hash workers included).
//   leech <torrent> <outDir> <stateDir> <peerHost:port>   → prints {"event":"done", seconds, user, sys}
//   seed  <torrent> <dataDir> <stateDir>                   → prints {"event":"listening", port}, then
//                                                            {"event":"exit", user, sys} on stdin EOF
import { readFile } from 'node:fs/promises';
import { Session } from '../../main/engine/session.ts';

const [mode, torrent, dir, state, peer] = process.argv.slice(2);
if ((mode !== 'leech' && mode !== 'seed') || !torrent || !dir || !state) {
  console.error('usage: tessera-peer.ts leech|seed <torrent> <dir> <stateDir> [host:port]');
  process.exit(2);
}
const out = (o: object): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };
const cpu = (): { user: number; sys: number } => {
  const r = process.resourceUsage();
  return { user: r.userCPUTime / 1e6, sys: r.systemCPUTime / 1e6 };
};
const bytes = await readFile(torrent);
// TESSERA_BENCH_TRANSPORT=utp (bench:download --mode utp): uTP on; otherwise TCP only, so a dial to a
// TCP-only libtorrent does not wait out the uTP connect timeout first.
// TESSERA_BENCH_TRANSPORT=rc4: encryption required (MSE/PE, RC4 both ways), TCP only.
const transport = process.env['TESSERA_BENCH_TRANSPORT'];
const utp = transport === 'utp';
const encryption = transport === 'rc4' ? 'require' : 'prefer';
const session = await Session.open({ stateDir: state, listenHost: '127.0.0.1', settings: { listenPort: 0, maxConnectionsPerTorrent: 50, utp, encryption } });
const c0 = cpu();
if (mode === 'leech') {
  // Timed like lt-peer.py: from the first connected peer to completion, so neither clock includes
  // process start or the connect; CPU is this process's rusage (every thread) from before the add.
  const [host, port] = (peer ?? '').split(':');
  let t0 = 0;
  const done = new Promise<void>((resolve) => session.on('torrent:completed', () => resolve()));
  const s = await session.addTorrent(bytes, { savePath: dir, peers: [{ host: host ?? '127.0.0.1', port: Number(port) }] });
  const t = session.torrent(s.id);
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if ((t?.peers.size ?? 0) > 0 || t?.status !== 'downloading') { t0 = performance.now(); clearInterval(poll); resolve(); }
    }, 1);
  });
  await done;
  const seconds = (performance.now() - t0) / 1000;
  const c1 = cpu();
  out({ event: 'done', seconds, user: c1.user - c0.user, sys: c1.sys - c0.sys });
  await session.close();
  process.exit(0);
} else {
  await session.addTorrent(bytes, { savePath: dir });
  const t = session.torrent(session.summaries()[0]?.id ?? '');
  await t?.ready;
  out({ event: 'listening', port: session.port, pieces: t?.haveBitfield().count() });
  const c1 = cpu();
  process.stdin.resume();
  process.stdin.on('end', async () => {
    const c2 = cpu();
    out({ event: 'exit', user: c2.user - c1.user, sys: c2.sys - c1.sys });
    await session.close();
    process.exit(0);
  });
}
