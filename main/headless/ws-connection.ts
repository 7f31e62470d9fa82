// One authenticated browser on the headless WebSocket: commands in (JSON text frames), results
// and events out, and the selected torrent's detail as binary frames. Bounded: a cap on requests
// in flight, and a slow client skips detail frames and gets a fresh full list when it drains
// instead of an ever-growing send buffer.
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Events, Result } from '../../shared/contract.ts';
import type { TorrentDetail } from '../../shared/snapshot.ts';
import { DetailFrameEncoder } from '../../shared/detail-delta.ts';
import { parseClientMessage, type ServerMessage } from '../../shared/ws-protocol.ts';
import type { BroadcastEvent } from '../engine-host/protocol.ts';

export interface HeadlessEngine {
  invoke(clientId: string, command: unknown, arg: unknown): Promise<Result<unknown>>;
  clientGone(clientId: string): void;
  fullList(): Events['torrents:update'];
  onBroadcast(l: <E extends BroadcastEvent>(event: E, payload: Events[E]) => void): () => void;
  onDetail(l: (clientIds: readonly string[], detail: TorrentDetail) => void): () => void;
}

export const MAX_IN_FLIGHT = 64;
/** Above this many unsent bytes a client is "slow": snapshots wait until it drains. */
export const SLOW_CLIENT_BYTES = 4 * 1024 * 1024;

export function attachClient(ws: WebSocket, engine: HeadlessEngine): void {
  const clientId = randomUUID();
  let inFlight = 0;
  let listStale = false;
  const send = (m: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const slow = (): boolean => ws.bufferedAmount > SLOW_CLIENT_BYTES;

  send({ t: 'event', event: 'torrents:update', payload: engine.fullList() });

  const offBroadcast = engine.onBroadcast((event, payload) => {
    if (event === 'torrents:update') {
      // Diffs build on each other: once one is skipped, only a full list can repair the client.
      if (slow()) { listStale = true; return; }
      if (listStale) { listStale = false; send({ t: 'event', event, payload: engine.fullList() }); return; }
    }
    send({ t: 'event', event, payload } as ServerMessage);
  });
  // Detail frames after the first carry only what changed since the last one sent on this socket
  // (shared/detail-delta.ts); a skipped frame is never encoded, so the chain stays intact.
  const details = new DetailFrameEncoder();
  const offDetail = engine.onDetail((clientIds, detail) => {
    if (!clientIds.includes(clientId) || slow() || ws.readyState !== ws.OPEN) return;
    ws.send(details.encode(detail));
  });

  ws.on('message', (data, isBinary) => {
    if (isBinary) { ws.close(1003, 'binary frames are not accepted'); return; }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      if (parsed.id !== undefined) send({ t: 'result', id: parsed.id, result: { ok: false, error: { code: 'BAD_ARGUMENT', message: parsed.message } } });
      else ws.close(1008, parsed.message);
      return;
    }
    const { id, command, arg } = parsed.msg;
    if (inFlight >= MAX_IN_FLIGHT) {
      send({ t: 'result', id, result: { ok: false, error: { code: 'BAD_ARGUMENT', message: 'too many requests in flight' } } });
      return;
    }
    inFlight++;
    void engine.invoke(clientId, command, arg).then((result) => {
      inFlight--;
      send({ t: 'result', id, result });
    });
  });
  ws.on('close', () => {
    offBroadcast();
    offDetail();
    engine.clientGone(clientId);
  });
  ws.on('error', () => ws.terminate());
}
