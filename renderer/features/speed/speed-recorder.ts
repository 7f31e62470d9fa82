// Samples the store once a second into a SpeedHistory, from app start, so the Speed tab has the
// last 5 minutes as soon as it opens. One recorder per store.
import { useEffect } from 'react';
import { useAppStore } from '../../app-context.tsx';
import type { AppStore } from '../../store/state.ts';
import { SpeedHistory } from './speed-history.ts';

const histories = new WeakMap<AppStore, SpeedHistory>();

export function historyOf(store: AppStore): SpeedHistory {
  let h = histories.get(store);
  if (!h) { h = new SpeedHistory(); histories.set(store, h); }
  return h;
}

export function useSpeedRecorder(): void {
  const store = useAppStore();
  useEffect(() => {
    const h = historyOf(store);
    const tick = (): void => {
      const s = store.getState();
      h.sample(Date.now() / 1000, s.session, s.torrents.values(), s.focused);
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [store]);
}
