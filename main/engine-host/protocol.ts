// Messages between the main process (engine-client.ts) and the engine worker (worker.ts).
// Arguments are validated on the main side before they are posted here, so the worker trusts them.
// Typed arrays in `torrent:detail` cross the thread boundary by structured clone (no JSON).
import type { EventName, Events, Result, Settings } from '../../shared/contract.ts';
import type { ValidCommand } from '../../shared/validate.ts';

export interface EngineInit {
  /** Resume data and the torrent list (the Session's folder). */
  stateDir: string;
  /** settings.json lives here. */
  settingsFile: string;
  /** Used when no settings file exists yet. */
  defaults: Settings;
  /** Overrides applied at start without being saved (e.g. `tessera serve --listen-port 0`). */
  overrides?: Partial<Settings>;
  listenHost?: string;
  /** Never start the DHT in this run, whatever the settings say (tests and e2e: no internet). The
   *  setting shows as off for the run, as other start-time overrides do. */
  noDht?: boolean;
  /** Snapshot period in ms (default 250: 4 Hz). */
  snapshotIntervalMs?: number;
}

export type HostToWorker =
  | { t: 'init'; init: EngineInit }
  | { t: 'invoke'; id: number; clientId: string; cmd: ValidCommand }
  | { t: 'client-gone'; clientId: string }
  | { t: 'close' };

/** Events other than the per-client detail are broadcast. */
export type BroadcastEvent = Exclude<EventName, 'torrent:detail'>;

export type WorkerToHost =
  | { t: 'ready'; port: number }
  | { t: 'result'; id: number; result: Result<unknown> }
  | { t: 'event'; event: BroadcastEvent; payload: Events[BroadcastEvent] }
  /** The list update: `full` snapshots are sent to `fullFor` clients (new ones), diffs to the rest. */
  | { t: 'detail'; clientIds: string[]; detail: Events['torrent:detail'] }
  | { t: 'closed' }
  | { t: 'fatal'; message: string };
