// `tessera serve`: the engine plus the web UI and its WebSocket, for a browser. Binds 127.0.0.1
// unless told otherwise; every request needs the token printed here (also kept in the user-data
// folder). Runs until SIGINT/SIGTERM, then closes the Session cleanly.
import type { Command } from 'commander';
import { ExitError } from '../exit-error.ts';
import { runHeadless } from '../../headless/run.ts';
import { defaultUserDataDir } from '../../headless/user-data.ts';

function port(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new ExitError(`bad ${what}: ${text}`, 2);
  return Number(text);
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the engine headless and serve the Tessera UI to a browser (token-protected)')
    .option('--host <address>', 'address for the web UI', '127.0.0.1')
    .option('--port <n>', 'port for the web UI (0 = any free port)', '8725')
    .option('--user-data <dir>', 'settings, torrent list, resume data and token (default: the desktop app\'s folder)')
    .option('--listen-port <n>', 'peer listen port for this run (default: the saved setting)')
    .option('--listen-host <address>', 'address the engine accepts peers on')
    .option('--download-dir <dir>', 'download folder for this run (default: the saved setting)')
    .option('--no-dht', 'no DHT this run, whatever the saved setting (tests: it would contact the public routers)')
    .action(async (o: { host: string; port: string; userData?: string; listenPort?: string; listenHost?: string; downloadDir?: string; dht: boolean }) => {
      const userDataDir = o.userData ?? defaultUserDataDir();
      const overrides: { listenPort?: number; downloadDir?: string } = {};
      if (o.listenPort !== undefined) overrides.listenPort = port(o.listenPort, '--listen-port');
      if (o.downloadDir !== undefined) overrides.downloadDir = o.downloadDir;
      if (o.host !== '127.0.0.1' && o.host !== '::1' && o.host !== 'localhost') {
        console.error(`tessera: warning: the web UI listens on ${o.host}, not only this machine; anyone who can reach it needs only the token`);
      }
      const h = await runHeadless({
        userDataDir, host: o.host, port: port(o.port, '--port'), overrides,
        ...(o.listenHost !== undefined ? { listenHost: o.listenHost } : {}),
        ...(o.dht ? {} : { noDht: true }),
      });
      // Stable, parseable lines: scripts/start.mjs and e2e/run.mjs read them.
      console.log(`Tessera is running headless. Open: ${h.server.url}`);
      console.log(`engine listening for peers on port ${h.engine.port}`);
      console.log(`user data: ${userDataDir}`);
      await new Promise<void>((resolve) => {
        const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      console.error('tessera: shutting down…');
      await h.close();
    });
}
