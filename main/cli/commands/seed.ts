// `tessera seed <file.torrent> --path DIR`: hashes the data in DIR (every piece: a seed must not
// serve bytes it has not checked), then seeds until Ctrl-C, which announces `stopped`.
// DIR holds the content as a download would leave it: DIR/<name>/… for a multi-file torrent,
// DIR/<name> for a single file.
import type { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExitError } from '../exit-error.ts';
import { openForTorrent, parsePeer, readTorrent, runTransfer, type TransferOptions } from './download.ts';

export function register(program: Command): void {
  program
    .command('seed')
    .description('check the data of a torrent, then seed it until Ctrl-C')
    .argument('<file.torrent>', 'the .torrent file')
    .requiredOption('--path <dir>', 'folder holding the content (as `tessera download --out` leaves it)')
    .option('-p, --port <n>', 'listen port (0 = any free port)', '6881')
    .option('--host <addr>', 'listen address', '0.0.0.0')
    .option('--peer <host:port...>', 'also connect to these peers', [])
    .option('--max-up <rate>', 'upload limit, e.g. 500k, 2M (bytes/s)')
    .action(async (file: string, o: TransferOptions & { path: string }) => {
      const bytes = await readTorrent(file);
      // A fresh, throw-away state folder: no resume data, so every piece is hashed before seeding.
      const state = await mkdtemp(join(tmpdir(), 'tessera-seed-'));
      try {
        const { session, id } = await openForTorrent(bytes, { ...o, state });
        await session.addTorrent(bytes, { savePath: resolve(o.path), paused: true });
        const t = session.torrent(id);
        await t?.ready;
        const s = session.summaries().find((x) => x.id === id);
        if (t === undefined || s === undefined) throw new ExitError('torrent not loaded', 1);
        const have = t.haveBitfield().count();
        if (have < t.pieceMap.pieceCount) {
          await session.close();
          throw new ExitError(`data incomplete: ${have} of ${t.pieceMap.pieceCount} pieces are good in ${o.path}`, 1);
        }
        process.stdout.write(`checked ${have} pieces; seeding on port ${session.port}; Ctrl-C to stop\n`);
        for (const p of o.peer.map(parsePeer)) session.addPeer(id, p.host, p.port);
        session.resume(id);
        await runTransfer(session, id, true);
      } finally {
        await rm(state, { recursive: true, force: true });
      }
    });
}
