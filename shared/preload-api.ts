// The shape of window.tessera, derived from the contract so the preload and the renderer's IPC
// transport cannot drift apart: one method per command (`torrent:add-file` → `torrentAddFile`)
// and one subscription per event (`torrents:update` → `onTorrentsUpdate`). Never a generic
// send(channel, …): a compromised page can only call what is listed here.
import type { CommandArg, CommandName, CommandResult, EventName, Events, Result } from './contract.ts';

/** 'torrent:add-file' → 'torrentAddFile' */
export type CamelName<S extends string> =
  S extends `${infer H}:${infer T}` ? `${H}${Capitalize<CamelName<T>>}`
    : S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelName<T>>}`
      : S;

export type CommandMethods = {
  [C in CommandName as CamelName<C>]: (arg: CommandArg<C>) => Promise<Result<CommandResult<C>>>;
};
export type EventMethods = {
  [E in EventName as `on${Capitalize<CamelName<E>>}`]: (listener: (payload: Events[E]) => void) => () => void;
};
/** Desktop-only helpers beside the contract (not commands: they never reach the engine). */
export interface NativeMethods {
  /** The absolute path of a dropped File (Electron's webUtils.getPathForFile); '' when it has none. */
  pathForFile(file: File): string;
}
export type PreloadApi = CommandMethods & EventMethods & NativeMethods;

export function camelName(name: string): string {
  return name.replace(/[:-]([a-z])/g, (_m, c: string) => c.toUpperCase());
}
export function commandMethodName<C extends CommandName>(command: C): CamelName<C> {
  return camelName(command) as CamelName<C>;
}
export function eventMethodName<E extends EventName>(event: E): `on${Capitalize<CamelName<E>>}` {
  const c = camelName(event);
  return `on${c.charAt(0).toUpperCase()}${c.slice(1)}` as `on${Capitalize<CamelName<E>>}`;
}

/** IPC channel names: one per command and one per event. */
export const commandChannel = (command: CommandName): string => `tessera:cmd:${command}`;
export const eventChannel = (event: EventName): string => `tessera:evt:${event}`;

// Every event of the contract as a run-time list (the contract itself is types only). The
// `satisfies` check fails to compile when an event is added to contract.ts but not here.
const ALL_EVENTS = {
  'torrents:update': true, 'torrent:detail': true, 'torrent:completed': true, 'engine:error': true, 'job:progress': true, 'session:stats': true,
} as const satisfies Record<EventName, true>;
export const EVENT_NAMES = Object.keys(ALL_EVENTS) as EventName[];

/** Fixed, argument-less channel: the preload asks main to resend the whole torrent list. */
export const RESYNC_CHANNEL = 'tessera:resync';
