// What a launch (or a second launch handed over by the single-instance lock) asks us to open:
// .torrent files and magnet: links among the command-line arguments. Pure, so it is testable
// without Electron; flags (--foo) and Chromium's own switches are ignored.
import { isAbsolute, resolve } from 'node:path';

export interface LaunchRequest {
  torrentFiles: string[];
  magnets: string[];
}

/** argv as Electron gives it: [exe, (app path when not packaged), ...args]. */
export function parseLaunchArgs(argv: readonly string[], cwd: string, skip: number): LaunchRequest {
  const out: LaunchRequest = { torrentFiles: [], magnets: [] };
  for (const arg of argv.slice(skip)) {
    if (arg.startsWith('-')) continue;
    if (/^magnet:\?/i.test(arg)) {
      if (arg.length <= 64 * 1024) out.magnets.push(arg);
    } else if (/\.torrent$/i.test(arg)) {
      out.torrentFiles.push(isAbsolute(arg) ? arg : resolve(cwd, arg));
    }
  }
  return out;
}
