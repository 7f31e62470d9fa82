// BENCHMARK HARNESS ONLY. Runs the synthetic feed off the main thread and posts each event in
// its wire encoding — JSON text for list events (as the headless WebSocket's text frames), the
// binary detail frame of shared/snapshot-codec.ts — so the page pays the same decode cost it
// would pay for real engine traffic, and the generator's own work is not counted as UI work.
import { DetailFrameEncoder } from '../../shared/detail-delta.ts';
import type { ServerMessage } from '../../shared/ws-protocol.ts';
import { SyntheticFeed, type FeedOptions } from './synthetic-feed.ts';

export type ToWorker = { type: 'start'; hz: number; feed?: Partial<FeedOptions> } | { type: 'focus'; id: string | null } | { type: 'stop' };
export type FromWorker = { kind: 'text'; text: string; bytes: number } | { kind: 'binary'; bytes: ArrayBuffer } | { kind: 'ready'; bigId: string };

interface WorkerScope {
  postMessage(m: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let feed: SyntheticFeed | null = null;
let timer: ReturnType<typeof setInterval> | undefined;
let focus: string | null = null;
// The same delta stream the headless server sends (shared/detail-delta.ts).
const details = new DetailFrameEncoder();

const utf8 = new TextEncoder();
// The UTF-8 size is measured here, off the page's main thread, so counting bytes costs the UI nothing.
const text = (m: ServerMessage): void => {
  const t = JSON.stringify(m);
  scope.postMessage({ kind: 'text', text: t, bytes: utf8.encode(t).byteLength });
};

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'start') {
    feed = new SyntheticFeed(msg.feed);
    scope.postMessage({ kind: 'ready', bigId: feed.bigId });
    text({ t: 'event', event: 'torrents:update', payload: feed.initial() });
    clearInterval(timer);
    timer = setInterval(() => {
      if (!feed) return;
      const t = feed.tick();
      text({ t: 'event', event: 'torrents:update', payload: t.update });
      text({ t: 'event', event: 'session:stats', payload: t.stats });
      if (t.error) text({ t: 'event', event: 'engine:error', payload: t.error });
      if (focus === feed.bigId) {
        const frame = details.encode(t.detail);
        const bytes = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer;
        scope.postMessage({ kind: 'binary', bytes }, [bytes]);
      }
    }, 1000 / msg.hz);
  } else if (msg.type === 'focus') {
    focus = msg.id;
  } else {
    clearInterval(timer);
    timer = undefined;
  }
};
