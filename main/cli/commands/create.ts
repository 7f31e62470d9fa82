// `tessera create <path>`: builds a .torrent (v1 by default, v2 or hybrid) from a file or folder.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { CreateOptions } from '../../engine/metainfo/create-torrent.ts';
import { TesseraError } from '../../engine/errors.ts';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function parsePieceLength(v: string): number | 'auto' {
  if (v === 'auto') return 'auto';
  const m = /^(\d+)\s*([kKmM]i?[bB]?)?$/.exec(v);
  if (!m) throw new TesseraError('BAD_ARGUMENT', `--piece-length: ${JSON.stringify(v)} is not a size (e.g. 262144, 256K, 1M, auto)`);
  const unit = (m[2] ?? '').toLowerCase();
  return Number(m[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1);
}

interface CreateFlags {
  output?: string; v1?: boolean; v2?: boolean; hybrid?: boolean; pieceLength: string;
  announce: string[]; webSeed: string[]; private?: boolean; source?: string; comment?: string;
  date: boolean; createdBy?: string; include: string[]; exclude: string[]; json?: boolean;
}

export function register(program: Command): void {
  program
    .command('create')
    .description('create a .torrent from a file or folder')
    .argument('<path>', 'file or folder to share')
    .option('-o, --output <file>', 'where to write the torrent (default: <name>.torrent)')
    .option('--v1', 'BitTorrent v1 torrent (default)')
    .option('--v2', 'BitTorrent v2 (BEP 52) torrent')
    .option('--hybrid', 'hybrid v1 + v2 torrent (with BEP 47 pad files)')
    .option('--piece-length <n>', 'piece length in bytes (K/M suffixes allowed) or "auto": the smallest power of two giving at most 1500 pieces, 2^clamp(ceil(log2(total/1500)), 14, 24), i.e. 16 KiB..16 MiB', 'auto')
    .option('-a, --announce <url>', 'tracker URL; repeat for more tiers, commas inside one -a make a tier', collect, [])
    .option('-w, --web-seed <url>', 'web seed URL (BEP 19); repeatable', collect, [])
    .option('--private', 'set the private flag (BEP 27)')
    .option('--source <s>', 'source tag (in the info dictionary)')
    .option('--comment <c>', 'comment')
    .option('--no-date', 'leave out the creation date (the same input then gives the same bytes)')
    .option('--created-by <s>', 'created-by string (default "Tessera 0.1.0")')
    .option('--include <glob>', 'only add files matching the glob (repeatable; * ? [..] within a name, ** across folders; no "/" matches any name)', collect, [])
    .option('--exclude <glob>', 'leave out files and folders matching the glob (repeatable)', collect, [])
    .option('--json', 'print a JSON summary (the `tessera info --json` schema) instead of text')
    .addHelpText('after', '\nFiles are sorted by path; hidden files are included unless excluded; symlinks are followed only when they point inside <path>.\nHashing uses every core; a progress bar is shown on stderr when it is a terminal.')
    .action(async (src: string, f: CreateFlags) => {
      const chosen = [f.v1 && 'v1', f.v2 && 'v2', f.hybrid && 'hybrid'].filter(Boolean) as Array<'v1' | 'v2' | 'hybrid'>;
      if (chosen.length > 1) throw new TesseraError('BAD_ARGUMENT', 'choose one of --v1, --v2, --hybrid');
      const opts: CreateOptions = {
        version: chosen[0] ?? 'v1',
        pieceLength: parsePieceLength(f.pieceLength),
        announce: f.announce.map((a) => a.split(',').map((u) => u.trim()).filter(Boolean)).filter((t) => t.length > 0),
        webSeeds: f.webSeed,
        private: f.private === true,
        include: f.include,
        exclude: f.exclude,
        creationDate: f.date ? Math.floor(Date.now() / 1000) : null,
      };
      if (f.source !== undefined) opts.source = f.source;
      if (f.comment !== undefined) opts.comment = f.comment;
      if (f.createdBy !== undefined) opts.createdBy = f.createdBy;
      // Loaded here, not at start-up, so other subcommands do not pay for the hashing modules.
      const [{ createTorrent }, { byteProgress }, { describeTorrent }, { cliHashPool }] = await Promise.all([
        import('../../engine/metainfo/create-torrent.ts'), import('../progress.ts'), import('./info.ts'), import('../hash-pool.ts')]);
      const pool = cliHashPool();
      const bar = byteProgress('hashing');
      const ac = new AbortController();
      const onSig = (): void => ac.abort();
      process.once('SIGINT', onSig);
      let result;
      try {
        result = await createTorrent(src, { ...opts, pool }, { signal: ac.signal, onProgress: (d, t) => bar.update(d, t) });
      } finally {
        void pool.close();
        bar.stop();
        process.off('SIGINT', onSig);
      }
      const out = f.output ?? `${path.basename(path.resolve(src))}.torrent`;
      await writeFile(out, result.bytes);
      if (f.json) process.stdout.write(`${JSON.stringify({ output: out, ...describeTorrent(result.meta) }, null, 2)}\n`);
      else {
        const m = result.meta;
        const hashes = [m.infoHashV1 && `v1 ${Buffer.from(m.infoHashV1).toString('hex')}`, m.infoHashV2 && `v2 ${Buffer.from(m.infoHashV2).toString('hex')}`].filter(Boolean).join(', ');
        process.stdout.write(`${out}: ${m.version}, ${m.files.filter((x) => !x.padding).length} file(s), ${m.pieceCount} pieces of ${m.pieceLength}, info-hash ${hashes}\n`);
      }
    });
}
