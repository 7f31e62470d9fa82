// Runs one validated command against the engine and turns the outcome into a Result: nothing
// thrown here crosses the transport (a thrown error would arrive as a bare message).
import type { ErrorCode, Result, Settings } from '../../shared/contract.ts';
import type { ValidCommand } from '../../shared/validate.ts';
import { isTesseraError } from '../engine/errors.ts';
import type { SnapshotPublisher } from './publisher.ts';
import { canAddMagnet, type EngineSession, type EngineSessionSettings } from './session-port.ts';
import type { SettingsStore } from './settings-store.ts';
import { dhtChanged, dhtOptionsOf } from './dht-setting.ts';

export interface JobHandlers {
  create?(cmd: Extract<ValidCommand, { command: 'create:start' }>['arg']): Promise<Result<unknown>>;
  cancelCreate?(jobId: string): void;
  verify?(cmd: Extract<ValidCommand, { command: 'verify:start' }>['arg']): Promise<Result<unknown>>;
  cancelVerify?(jobId: string): void;
}

export interface DispatchDeps {
  session: EngineSession;
  settings: SettingsStore;
  publisher: SnapshotPublisher;
  jobs: JobHandlers;
  /** Called after a command that changes what the UI shows, so it need not wait for the next tick. */
  publishSoon(): void;
  /** This run never starts the DHT (tests, e2e): dht settings are saved but not applied. */
  noDht?: boolean;
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

export function toErrorResult(e: unknown): Result<never> {
  if (isTesseraError(e)) {
    const map: Partial<Record<typeof e.code, ErrorCode>> = {
      BENCODE_INVALID: 'METAINFO_INVALID', METAINFO_INVALID: 'METAINFO_INVALID', MAGNET_INVALID: 'MAGNET_INVALID',
      IO_ERROR: 'IO_ERROR', PATH_UNSAFE: 'BAD_ARGUMENT', ABORTED: 'ABORTED', BAD_ARGUMENT: 'BAD_ARGUMENT', NOT_FOUND: 'NOT_FOUND',
    };
    return fail(map[e.code] ?? 'INTERNAL', e.message);
  }
  return fail('INTERNAL', e instanceof Error ? e.message : String(e));
}

/** The Session's own settings: the contract's Settings minus UI-only fields. */
export function engineSettingsOf(s: Partial<Settings>): Partial<EngineSessionSettings> {
  const { theme: _theme, dht: _dht, dhtBootstrap: _dhtBootstrap, ...rest } = s;
  return rest;
}

function known(session: EngineSession, ids: readonly string[]): Result<null> {
  const have = new Set(session.summaries().map((s) => s.id));
  const missing = ids.filter((id) => !have.has(id));
  return missing.length ? fail('NOT_FOUND', `no torrent ${missing.join(', ')}`) : ok(null);
}

export async function dispatch(deps: DispatchDeps, clientId: string, cmd: ValidCommand): Promise<Result<unknown>> {
  try {
    return await run(deps, clientId, cmd);
  } catch (e) {
    return toErrorResult(e);
  }
}

async function run(deps: DispatchDeps, clientId: string, cmd: ValidCommand): Promise<Result<unknown>> {
  const { session } = deps;
  switch (cmd.command) {
    case 'torrent:add-file': {
      const bytes = Buffer.from(cmd.arg.torrentBase64, 'base64');
      const { torrentBase64: _b, ...opts } = cmd.arg;
      const summary = await session.addTorrent(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), opts);
      deps.publishSoon();
      return ok(summary);
    }
    case 'torrent:add-magnet': {
      if (!canAddMagnet(session)) return fail('UNSUPPORTED', 'this engine cannot fetch metadata for magnet links yet');
      const { uri, ...opts } = cmd.arg;
      const summary = await session.addMagnet(uri, opts);
      deps.publishSoon();
      return ok(summary);
    }
    case 'torrent:pause':
    case 'torrent:resume': {
      const k = known(session, cmd.arg.ids);
      if (!k.ok) return k;
      for (const id of cmd.arg.ids) {
        if (cmd.command === 'torrent:pause') session.pause(id);
        else session.resume(id);
      }
      deps.publishSoon();
      return ok(null);
    }
    case 'torrent:remove': {
      const k = known(session, cmd.arg.ids);
      if (!k.ok) return k;
      for (const id of cmd.arg.ids) await session.remove(id, { deleteData: cmd.arg.deleteData });
      deps.publishSoon();
      return ok(null);
    }
    case 'torrent:set-file-priorities': {
      const k = known(session, [cmd.arg.id]);
      if (!k.ok) return k;
      session.setFilePriorities(cmd.arg.id, cmd.arg.priorities);
      deps.publishSoon();
      return ok(null);
    }
    case 'torrent:files': {
      const page = session.files(cmd.arg.id, cmd.arg.from, cmd.arg.count);
      return page ? ok(page) : fail('NOT_FOUND', `no torrent ${cmd.arg.id}`);
    }
    case 'torrent:recheck': {
      const k = known(session, [cmd.arg.id]);
      if (!k.ok) return k;
      await session.recheck(cmd.arg.id);
      deps.publishSoon();
      return ok(null);
    }
    case 'torrent:add-tracker':
    case 'torrent:remove-tracker': {
      const k = known(session, [cmd.arg.id]);
      if (!k.ok) return k;
      if (cmd.command === 'torrent:add-tracker') await session.addTracker(cmd.arg.id, cmd.arg.url, cmd.arg.tier);
      else await session.removeTracker(cmd.arg.id, cmd.arg.url);
      deps.publishSoon();
      return ok(null);
    }
    case 'torrent:select':
      deps.publisher.select(clientId, cmd.arg.id);
      deps.publishSoon();
      return ok(null);
    case 'torrent:magnet': {
      const s = session.summaries().find((x) => x.id === cmd.arg.id);
      return s ? ok(s.magnet) : fail('NOT_FOUND', `no torrent ${cmd.arg.id}`);
    }
    case 'torrent:open-folder':
      // Only the desktop shell can open a folder on the user's screen; main/electron handles it.
      return fail('UNSUPPORTED', 'opening a folder is only available in the desktop app');
    case 'create:start':
      return deps.jobs.create ? deps.jobs.create(cmd.arg) : fail('UNSUPPORTED', 'torrent creation is not available in this build');
    case 'create:cancel':
      deps.jobs.cancelCreate?.(cmd.arg.jobId);
      return ok(null);
    case 'verify:start':
      return deps.jobs.verify ? deps.jobs.verify(cmd.arg) : fail('UNSUPPORTED', 'verification is not available in this build');
    case 'verify:cancel':
      deps.jobs.cancelVerify?.(cmd.arg.jobId);
      return ok(null);
    case 'settings:get':
      return ok(deps.settings.get());
    case 'settings:set': {
      const before = deps.settings.get();
      const next = await deps.settings.set(cmd.arg);
      const engine = engineSettingsOf(cmd.arg);
      if (Object.keys(engine).length) await session.updateSettings(engine);
      if (!deps.noDht && session.setDht !== undefined && dhtChanged(before, next)) await session.setDht(dhtOptionsOf(next));
      return ok(next);
    }
  }
}
