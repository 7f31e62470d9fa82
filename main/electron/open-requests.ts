// Opening what the OS hands us — .torrent files (command line, file association, second launch,
// macOS open-file) and magnet: links (protocol handler) — by sending the same contract commands
// the renderer would, so they are validated the same way.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Result } from '../../shared/contract.ts';
import { MAX_TORRENT_BASE64 } from '../../shared/validate.ts';
import type { EngineClient } from '../engine-host/engine-client.ts';
import type { LaunchRequest } from './launch-args.ts';

export const MAIN_CLIENT = 'main';
const MAX_TORRENT_BYTES = Math.floor((MAX_TORRENT_BASE64 / 4) * 3);

export async function addTorrentFile(engine: EngineClient, file: string): Promise<Result<unknown>> {
  try {
    const st = await stat(file);
    if (!st.isFile()) return { ok: false, error: { code: 'BAD_ARGUMENT', message: `${basename(file)} is not a file` } };
    if (st.size > MAX_TORRENT_BYTES) return { ok: false, error: { code: 'BAD_ARGUMENT', message: `${basename(file)} is too large for a .torrent` } };
    const bytes = await readFile(file);
    return await engine.invoke(MAIN_CLIENT, 'torrent:add-file', { torrentBase64: bytes.toString('base64') });
  } catch (e) {
    return { ok: false, error: { code: 'IO_ERROR', message: e instanceof Error ? e.message : String(e) } };
  }
}

/** Runs every request; failures are reported through `report` (a toast in the window, a log line). */
export async function openRequests(engine: EngineClient, req: LaunchRequest, report: (message: string) => void): Promise<void> {
  for (const f of req.torrentFiles) {
    const r = await addTorrentFile(engine, f);
    if (!r.ok) report(`Could not add ${basename(f)}: ${r.error.message}`);
  }
  for (const uri of req.magnets) {
    const r = await engine.invoke(MAIN_CLIENT, 'torrent:add-magnet', { uri });
    if (!r.ok) report(`Could not add the magnet link: ${r.error.message}`);
  }
}
