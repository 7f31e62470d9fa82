// TesseraApi over the headless WebSocket. The token comes from the page URL (?token=…); requests
// carry ids; results come back as JSON; `torrent:detail` comes as a binary frame (snapshot-codec).
// The connection is re-opened with exponential backoff, the detail selection is re-sent after a
// reconnect, and a 4401 close (bad token) stops retrying and says why.
import type { CommandArg, CommandName, CommandResult, Events, Result, TesseraApi } from '../../shared/contract.ts';
import { DetailFrameDecoder } from '../../shared/detail-delta.ts';
import { isDetailFrame } from '../../shared/snapshot-codec.ts';
import { WS_CLOSE_UNAUTHORIZED, WS_PATH, type ServerMessage } from '../../shared/ws-protocol.ts';
import { EventHub } from './event-hub.ts';

/** The subset of the DOM WebSocket this transport uses (the `ws` package matches it in tests). */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface WsTransportOptions {
  url: string;
  socket: SocketFactory;
  /** Backoff bounds for reconnecting (ms). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How long a command waits for a connection before failing. */
  requestTimeoutMs?: number;
}

export interface WsTransport extends TesseraApi {
  close(): void;
}

const OPEN = 1;

/** ws(s)://host/ws?token=… for the page this script was loaded from. */
export function socketUrlFromLocation(loc: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${WS_PATH}?token=${encodeURIComponent(token)}`;
}

export function createWsTransport(opts: WsTransportOptions): WsTransport {
  const hub = new EventHub();
  const minDelay = opts.minDelayMs ?? 250;
  const maxDelay = opts.maxDelayMs ?? 10_000;
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  let socket: SocketLike | undefined;
  let nextId = 1;
  let attempt = 0;
  let stopped = false;
  let everOpened = false;
  let lostNotified = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let selection: CommandArg<'torrent:select'> | undefined;
  const pending = new Map<number, { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> }>();
  const waitingForOpen: Array<() => void> = [];

  const finish = (id: number, r: Result<unknown>): void => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(r);
  };

  let details = new DetailFrameDecoder();
  const connect = (): void => {
    if (stopped) return;
    const s = opts.socket(opts.url);
    socket = s;
    // Detail frames are deltas within one connection: a new socket starts a new stream.
    details = new DetailFrameDecoder();
    s.binaryType = 'arraybuffer';
    s.onopen = () => {
      attempt = 0;
      const reconnected = everOpened;
      if (reconnected && lostNotified) hub.emit('engine:error', { message: 'Reconnected to the engine.', severity: 'warning' });
      everOpened = true;
      lostNotified = false;
      // A new connection is a new client to the server: restore what the detail pane shows.
      if (reconnected && selection !== undefined && selection.id !== null) void send('torrent:select', selection);
      for (const w of waitingForOpen.splice(0)) w();
    };
    s.onmessage = (ev) => onMessage(ev.data);
    s.onerror = () => undefined; // onclose follows and decides what to do
    s.onclose = (ev) => {
      if (socket === s) socket = undefined;
      // Requests sent on this socket will never be answered.
      const lost: Result<never> = ev.code === WS_CLOSE_UNAUTHORIZED
        ? { ok: false, error: { code: 'UNAUTHORIZED', message: 'the engine refused the token' } }
        : { ok: false, error: { code: 'INTERNAL', message: 'the connection to the engine was lost' } };
      for (const id of [...pending.keys()]) finish(id, lost);
      if (stopped) return;
      if (ev.code === WS_CLOSE_UNAUTHORIZED) {
        stopped = true;
        hub.emit('engine:error', { message: 'Not authorised: open the address printed by `tessera serve`, including its ?token=…', severity: 'error' });
        for (const w of waitingForOpen.splice(0)) w();
        return;
      }
      if (!lostNotified) {
        lostNotified = true;
        hub.emit('engine:error', { message: 'Lost the connection to the engine; reconnecting…', severity: 'warning' });
      }
      const delay = Math.min(maxDelay, minDelay * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      attempt = Math.min(attempt + 1, 16);
      timer = setTimeout(connect, delay);
    };
  };

  const onMessage = (data: unknown): void => {
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (!isDetailFrame(bytes)) return;
      try {
        hub.emit('torrent:detail', details.decode(bytes));
      } catch (e) {
        hub.emit('engine:error', { message: `bad detail frame: ${e instanceof Error ? e.message : String(e)}`, severity: 'warning' });
      }
      return;
    }
    if (typeof data !== 'string') return;
    let m: ServerMessage;
    try {
      m = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (m.t === 'result') finish(m.id, m.result);
    else if (m.t === 'event') hub.emit(m.event, m.payload as Events[typeof m.event]);
  };

  const send = <C extends CommandName>(command: C, arg: CommandArg<C>): Promise<Result<CommandResult<C>>> => {
    const id = nextId++;
    return new Promise((resolve) => {
      const t = setTimeout(() => finish(id, { ok: false, error: { code: 'INTERNAL', message: `${command}: no answer from the engine` } }), requestTimeout);
      pending.set(id, { resolve: resolve as (r: Result<unknown>) => void, timer: t });
      socket?.send(JSON.stringify({ t: 'invoke', id, command, arg }));
    });
  };

  const whenOpen = (): Promise<boolean> => {
    if (socket?.readyState === OPEN) return Promise.resolve(true);
    if (stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const t = setTimeout(() => { const i = waitingForOpen.indexOf(done); if (i >= 0) waitingForOpen.splice(i, 1); resolve(false); }, requestTimeout);
      const done = (): void => { clearTimeout(t); resolve(socket?.readyState === OPEN); };
      waitingForOpen.push(done);
    });
  };

  connect();

  return {
    async invoke<C extends CommandName>(command: C, arg: CommandArg<C>): Promise<Result<CommandResult<C>>> {
      if (command === 'torrent:select') selection = arg as CommandArg<'torrent:select'>;
      if (!(await whenOpen())) {
        return { ok: false, error: { code: stopped ? 'UNAUTHORIZED' : 'INTERNAL', message: 'not connected to the engine' } };
      }
      return send(command, arg);
    },
    on: (event, listener) => hub.on(event, listener),
    close: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      socket?.close(1000, 'bye');
    },
  };
}
