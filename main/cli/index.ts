// `tessera` — one binary, one file per subcommand under commands/. Errors print one line
// (no stack trace unless --debug) and set the exit status the command asks for.
import { isTesseraError } from '../engine/errors.ts';
import { ExitError } from './exit-error.ts';

// First, before the rest of the CLI loads, the hash worker of a command that hashes files, when
// there is no addon to read and hash them on threads of its own: it boots on the other core
// meanwhile (main/cli/hash-pool.ts).
const HASHING_COMMANDS = new Set(['create', 'verify']);
if (HASHING_COMMANDS.has(process.argv[2] ?? '') && !process.argv.includes('--help') && !process.argv.includes('-h')) {
  (await import('./hash-pool.ts')).cliHashPool().warm(true);
}

// Output piped into a reader that stops early (`tessera info x.torrent | head`): the rest of the
// output has nowhere to go, which is no error of ours, so the command finishes quietly with its own
// exit status instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}

const { Command, CommanderError } = await import('commander');

const program = new Command();
program
  .name('tessera')
  .description('Tessera: a BitTorrent client and toolkit')
  .version('0.1.0')
  .option('--debug', 'print stack traces on errors')
  .showHelpAfterError('(run with --help for usage)');

// Each command module exports register(program). Add new subcommands here, one line each. Only
// the command being run is loaded (start-up time: `create` need not load the engine or the
// tracker); help and unknown names load them all.
const commands: Record<string, () => Promise<{ register(p: InstanceType<typeof Command>): void }>> = {
  tracker: () => import('./commands/tracker.ts'),
  create: () => import('./commands/create.ts'),
  info: () => import('./commands/info.ts'),
  verify: () => import('./commands/verify.ts'),
  magnet: () => import('./commands/magnet.ts'),
  download: () => import('./commands/download.ts'),
  seed: () => import('./commands/seed.ts'),
  serve: () => import('./commands/serve.ts'),
};
const first = process.argv[2] ?? '';
const named = commands[first];
// `--version` needs no command at all; help and unknown names need them all.
const needed = named ? [named] : first === '--version' || first === '-V' ? [] : Object.values(commands);
for (const mod of await Promise.all(needed.map((load) => load()))) mod.register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const debug = process.argv.includes('--debug');
  if (e instanceof CommanderError) process.exit(e.exitCode);
  const status = e instanceof ExitError ? e.status : 2;
  const msg = isTesseraError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  console.error(`tessera: ${msg}`);
  if (debug && e instanceof Error && e.stack) console.error(e.stack);
  process.exit(status);
}
