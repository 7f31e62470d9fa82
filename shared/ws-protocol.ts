// Messages on the headless WebSocket. Text frames carry JSON (commands, results, events); binary
// frames carry one `torrent:detail` snapshot each (snapshot-codec.ts), so bitfields and
// availability never become JSON arrays.
import type { EventName, Events, Result } from './contract.ts';

export type ClientMessage = { t: 'invoke'; id: number; command: string; arg: unknown };
export type ServerMessage =
  | { t: 'result'; id: number; result: Result<unknown> }
  | { t: 'event'; event: Exclude<EventName, 'torrent:detail'>; payload: Events[Exclude<EventName, 'torrent:detail'>] };

/** Close codes (4000–4999 are for applications). 4401: no or wrong token — do not reconnect. */
export const WS_CLOSE_UNAUTHORIZED = 4401;
export const WS_CLOSE_POLICY = 1008;
export const WS_PATH = '/ws';
/** Upper bound for one client frame: a base64 .torrent (validate.ts MAX_TORRENT_BASE64) plus JSON. */
export const WS_MAX_PAYLOAD = 64 * 1024 * 1024 + 4096;

export function parseClientMessage(text: string): { ok: true; msg: ClientMessage } | { ok: false; id?: number; message: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, message: 'not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, message: 'not an object' };
  const o = v as Record<string, unknown>;
  if (o.t !== 'invoke') return { ok: false, message: 'unknown message type' };
  const id = o.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return { ok: false, message: 'id must be a non-negative integer' };
  if (typeof o.command !== 'string') return { ok: false, id, message: 'command must be a string' };
  return { ok: true, msg: { t: 'invoke', id, command: o.command, arg: o.arg ?? null } };
}
