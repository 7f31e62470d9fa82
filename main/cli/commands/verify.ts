// `tessera verify <file.torrent> --path <dir>`: hashes the data on disk and reports per file.
// Exit 0: everything is intact; 1: something is missing, the wrong size or corrupt; 2: bad input.
import type { Command } from 'commander';
import type { VerifyReport } from '../../engine/storage/verify.ts';
import { ExitError } from '../exit-error.ts';
import { formatBytes } from '../progress.ts';
import { readTorrentFile } from './info.ts';
import { stat } from 'node:fs/promises';
import { TesseraError } from '../../engine/errors.ts';

// JSON schema "tessera.verify/1": { schema, ok, pieceCount, goodPieces, badPieces: number[],
//   totalBytes, missingFiles, wrongSizeFiles, badFiles,
//   files: [{ path: "a/b", size, actualSize: number|null, status: "ok"|"missing"|"wrong-size"|"bad", badPieces }] }
export function verifyJson(r: VerifyReport): object {
  return {
    schema: 'tessera.verify/1',
    ok: r.ok,
    pieceCount: r.pieceCount,
    goodPieces: r.goodPieces,
    badPieces: r.badPieces,
    totalBytes: r.totalBytes,
    missingFiles: r.missingFiles,
    wrongSizeFiles: r.wrongSizeFiles,
    badFiles: r.badFiles,
    files: r.files.map((f) => ({ path: f.path.join('/'), size: f.length, actualSize: f.actualLength ?? null, status: f.status, badPieces: f.badPieces })),
  };
}

function line(f: VerifyReport['files'][number]): string {
  const p = f.path.join('/');
  switch (f.status) {
    case 'ok': return `ok          ${p}`;
    case 'missing': return `MISSING     ${p}`;
    case 'wrong-size': return `WRONG SIZE  ${p} (${f.actualLength} bytes, expected ${f.length})${f.badPieces ? `, ${f.badPieces} bad piece(s)` : ''}`;
    case 'bad': return `BAD         ${p}: ${f.badPieces} bad piece(s)`;
  }
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('check data on disk against a .torrent (exit 0 intact, 1 not, 2 bad input)')
    .argument('<torrent>', '.torrent file')
    .requiredOption('--path <dir>', 'folder holding the data (a multi-file torrent\'s folder is <dir>/<name>)')
    .option('--json', 'print JSON (schema "tessera.verify/1", documented in main/cli/commands/verify.ts)')
    .action(async (file: string, f: { path: string; json?: boolean }) => {
      const meta = await readTorrentFile(file);
      const st = await stat(f.path).catch(() => null);
      if (!st?.isDirectory()) throw new TesseraError('NOT_FOUND', `--path ${f.path}: not a folder`);
      // Loaded here, not at start-up, so other subcommands do not pay for the hashing modules.
      const [{ verifyData }, { byteProgress }, { cliHashPool }] = await Promise.all([
        import('../../engine/storage/verify.ts'), import('../progress.ts'), import('../hash-pool.ts')]);
      const pool = cliHashPool();
      const bar = byteProgress('verifying');
      const ac = new AbortController();
      const onSig = (): void => ac.abort();
      process.once('SIGINT', onSig);
      let r: VerifyReport;
      try {
        r = await verifyData(meta, f.path, { signal: ac.signal, pool, onProgress: (d, t) => bar.update(d, t) });
      } finally {
        void pool.close();
        bar.stop();
        process.off('SIGINT', onSig);
      }
      if (f.json) process.stdout.write(`${JSON.stringify(verifyJson(r), null, 2)}\n`);
      else {
        const out = r.files.map(line);
        out.push(`${r.ok ? 'OK' : 'FAILED'}: ${r.goodPieces}/${r.pieceCount} pieces good, ${r.files.length} file(s) (${formatBytes(r.totalBytes)}): ` +
          `${r.missingFiles} missing, ${r.wrongSizeFiles} wrong size, ${r.badFiles} with bad pieces`);
        process.stdout.write(out.join('\n') + '\n');
      }
      if (!r.ok) throw new ExitError('verification failed', 1);
    });
}
