// `tessera magnet <file.torrent>`: prints the torrent's magnet link.
import type { Command } from 'commander';
import { magnetFromMetainfo } from '../../engine/metainfo/magnet.ts';
import { readTorrentFile } from './info.ts';

export function register(program: Command): void {
  program
    .command('magnet')
    .description('print the magnet link of a .torrent file')
    .argument('<torrent>', '.torrent file')
    .action(async (file: string) => {
      process.stdout.write(`${magnetFromMetainfo(await readTorrentFile(file))}\n`);
    });
}
