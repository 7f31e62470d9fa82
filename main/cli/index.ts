// `tessera` — one binary, one file per subcommand under commands/. Errors print one line
// (no stack trace unless --debug) and set the exit status the command asks for.
import { Command, CommanderError } from 'commander';
import { isTesseraError } from '../engine/errors.ts';
import { ExitError } from './exit-error.ts';

const program = new Command();
program
  .name('tessera')
  .description('Tessera: a BitTorrent client and toolkit')
  .version('0.1.0')
  .option('--debug', 'print stack traces on errors')
  .showHelpAfterError('(run with --help for usage)');

// Each command module exports register(program). Add new subcommands here, one line each.
const commands: Array<Promise<{ register(p: Command): void }>> = [
  import('./commands/tracker.ts'),
  import('./commands/create.ts'),
  import('./commands/info.ts'),
  import('./commands/verify.ts'),
  import('./commands/magnet.ts'),
  import('./commands/download.ts'),
  import('./commands/seed.ts'),
  import('./commands/serve.ts'),
];
for (const mod of await Promise.all(commands)) mod.register(program);

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
