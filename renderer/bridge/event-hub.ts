// The event side of a transport: listeners per event, plus a mirror of the torrent list and the
// last session stats so a listener that subscribes late (a React effect after the first frame)
// still starts from the whole list rather than from the next diff.
import type { EventName, Events } from '../../shared/contract.ts';
import type { TorrentSummary } from '../../shared/snapshot.ts';

type Listener<E extends EventName> = (payload: Events[E]) => void;

export class EventHub {
  #listeners = new Map<EventName, Set<(p: never) => void>>();
  #list = new Map<string, TorrentSummary>();
  #haveList = false;
  #stats: Events['session:stats'] | undefined;

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    if (event === 'torrents:update') {
      const u = payload as Events['torrents:update'];
      if (u.full) { this.#list = new Map(); this.#haveList = true; }
      for (const s of u.changed) this.#list.set(s.id, s);
      for (const id of u.removed) this.#list.delete(id);
    } else if (event === 'session:stats') {
      this.#stats = payload as Events['session:stats'];
    }
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as Listener<E>)(payload);
      } catch (e) {
        // One faulty listener must not starve the others of engine updates.
        console.error(`tessera: a ${event} listener threw`, e);
      }
    }
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) { set = new Set(); this.#listeners.set(event, set); }
    const l = listener as (p: never) => void;
    set.add(l);
    if (event === 'torrents:update' && this.#haveList) {
      const full: Events['torrents:update'] = { changed: [...this.#list.values()], removed: [], full: true };
      queueMicrotask(() => { if (set.has(l)) (listener as Listener<'torrents:update'>)(full); });
    } else if (event === 'session:stats' && this.#stats) {
      const s = this.#stats;
      queueMicrotask(() => { if (set.has(l)) (listener as Listener<'session:stats'>)(s); });
    }
    return () => { set.delete(l); };
  }
}
