// TesseraApi over Electron IPC: wraps the preload's one-method-per-command window.tessera.
// The renderer never sees ipcRenderer; it can call only what the preload lists.
import type { CommandArg, CommandName, CommandResult, EventName, Events, Result, TesseraApi } from '../../shared/contract.ts';
import { commandMethodName, EVENT_NAMES, eventMethodName, type PreloadApi } from '../../shared/preload-api.ts';
import { EventHub } from './event-hub.ts';

export function createIpcTransport(preload: PreloadApi): TesseraApi {
  const hub = new EventHub();
  // Subscribe to every event once, up front: the preload then asks main for the whole list, and
  // the hub replays it to whoever subscribes later.
  for (const event of EVENT_NAMES) subscribe(preload, hub, event);
  return {
    invoke<C extends CommandName>(command: C, arg: CommandArg<C>): Promise<Result<CommandResult<C>>> {
      const method = preload[commandMethodName(command)] as unknown as (a: CommandArg<C>) => Promise<Result<CommandResult<C>>>;
      if (typeof method !== 'function') {
        return Promise.resolve({ ok: false, error: { code: 'UNSUPPORTED', message: `the desktop bridge has no ${command}` } });
      }
      return method(arg);
    },
    on: (event, listener) => hub.on(event, listener),
  };
}

function subscribe<E extends EventName>(preload: PreloadApi, hub: EventHub, event: E): void {
  const method = preload[eventMethodName(event)] as unknown as ((l: (p: Events[E]) => void) => () => void) | undefined;
  if (typeof method === 'function') method((payload) => hub.emit(event, payload));
}
