// The app's DHT settings (`dht`, `dhtBootstrap`) turned into the Session's DHT options. The node
// takes any free UDP port: the listen port's number is already bound by uTP, and the port a DHT
// node uses is learnt by others from its packets, so it need not be fixed.
import type { Settings } from '../../shared/contract.ts';
import { PUBLIC_BOOTSTRAP, type SessionDhtOptions } from '../engine/session-dht.ts';

type DhtSettings = Pick<Settings, 'dht' | 'dhtBootstrap'>;

/** null = DHT off. An empty bootstrap list means the public routers. */
export function dhtOptionsOf(s: DhtSettings): SessionDhtOptions | null {
  if (!s.dht) return null;
  return { port: 0, bootstrap: s.dhtBootstrap.length > 0 ? [...s.dhtBootstrap] : [...PUBLIC_BOOTSTRAP] };
}

/** Whether going from `before` to `after` needs the DHT started, stopped or restarted (the Settings
 *  dialog sends every field on each save; an unchanged DHT must keep running undisturbed). */
export function dhtChanged(before: DhtSettings, after: DhtSettings): boolean {
  if (before.dht !== after.dht) return true;
  if (!after.dht) return false;
  return before.dhtBootstrap.length !== after.dhtBootstrap.length || before.dhtBootstrap.some((b, i) => b !== after.dhtBootstrap[i]);
}
