// `tessera` — one binary, one file per subcommand under commands/ (the runner is run.ts).
import { runCli, type CommandLoaders } from './run.ts';

// Each command module exports register(program). Add new subcommands here, one line each. Only
// the command being run is loaded (start-up time: `create` need not load the engine or the
// tracker); help and unknown names load them all.
const commands: CommandLoaders = {
  tracker: () => import('./commands/tracker.ts'),
  create: () => import('./commands/create.ts'),
  info: () => import('./commands/info.ts'),
  verify: () => import('./commands/verify.ts'),
  magnet: () => import('./commands/magnet.ts'),
  download: () => import('./commands/download.ts'),
  seed: () => import('./commands/seed.ts'),
  serve: () => import('./commands/serve.ts'),
};
await runCli(commands);
