// The libtorrent seed needs Debian's python3-libtorrent. Missing: a loud skip, or a failure under
// CI=true (like main/test-support/reference-tools.ts for the unit runner).
import { spawnSync } from 'node:child_process';
import { PYTHON } from '../../main/test-support/reference-tools.ts';
import type { SpecContext } from './spec.ts';

let have: boolean | undefined;
export class SpecSkipped extends Error {}

export function requirePython(ctx: SpecContext): boolean {
  have ??= spawnSync(PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore' }).status === 0;
  if (have) return true;
  const msg = 'python3-libtorrent is missing (apt-get install python3-libtorrent)';
  if (process.env.CI === 'true') throw new Error(`${msg}; CI=true requires this spec`);
  ctx.log(`*** ${msg}`);
  throw new SpecSkipped(msg);
}
