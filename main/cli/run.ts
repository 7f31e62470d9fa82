// The CLI's runner: sets up `tessera` (commander), registers the commands it is given and runs
// the one named on the command line. Errors print one line (no stack trace unless --debug) and set
// the exit status the command asks for. index.ts gives it every command; the compiled CLI
// (scripts/cli-bundle.mjs) also builds one file per command that gives it only that one, so a
// command loads its own code in one module and nothing else.
import { isTesseraError } from '../engine/errors.ts';
import { ExitError } from './exit-error.ts';

export type CommandModule = { register(p: import('commander').Command): void };
export type CommandLoaders = Record<string, () => Promise<CommandModule>>;

const HASHING_COMMANDS = new Set(['create', 'verify']);

export async function runCli(commands: CommandLoaders): Promise<void> {
  // First, before the rest of the CLI loads, the hash worker of a command that hashes files, when
  // there is no addon to read and hash them on threads of its own: it boots on the other core
  // meanwhile (main/cli/hash-pool.ts).
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
}
