// Sends one contract command to the app under test the way the UI would: over the headless
// WebSocket (with the token), or through the preload's per-command method in Electron. Used only
// for set-up the UI is not under test for (e.g. a download rate limit so a transfer is watchable).
import { WebSocket } from 'ws';
import type { CommandArg, CommandName, CommandResult, Result } from '../../shared/contract.ts';
import { commandMethodName } from '../../shared/preload-api.ts';
import type { Target } from './targets.ts';

export async function engineInvoke<C extends CommandName>(target: Target, command: C, arg: CommandArg<C>): Promise<Result<CommandResult<C>>> {
  if (target.kind === 'electron') {
    const method = commandMethodName(command);
    return target.page.evaluate(([m, a]) => {
      const api = window.tessera as unknown as Record<string, (x: unknown) => Promise<unknown>>;
      const fn = api[m];
      if (!fn) throw new Error(`window.tessera has no ${m}`);
      return fn(a);
    }, [method, arg] as const) as Promise<Result<CommandResult<C>>>;
  }
  const url = `${target.baseUrl!.replace(/^http/, 'ws')}ws?token=${target.token!}`;
  const ws = new WebSocket(url);
  try {
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    return await new Promise<Result<CommandResult<C>>>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${command}: no answer in 15 s`)), 15_000);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const m = JSON.parse(String(data)) as { t: string; id?: number; result?: Result<CommandResult<C>> };
        if (m.t === 'result' && m.id === 1 && m.result) { clearTimeout(t); resolve(m.result); }
      });
      ws.send(JSON.stringify({ t: 'invoke', id: 1, command, arg }));
    });
  } finally {
    ws.close();
  }
}
