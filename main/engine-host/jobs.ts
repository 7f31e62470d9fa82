// create:start and verify:start: long jobs with progress events and cancellation by jobId.
// Progress is throttled to a few Hz like every other stream to the UI.
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CreateTorrentResult, Result, VerifyResult } from '../../shared/contract.ts';
import type { ValidCommand } from '../../shared/validate.ts';
import { createTorrent } from '../engine/metainfo/create-torrent.ts';
import { toHex } from '../engine/metainfo/hex.ts';
import { magnetFromMetainfo } from '../engine/metainfo/magnet.ts';
import { parseTorrent } from '../engine/metainfo/parse-torrent.ts';
import { fastPairs } from '../engine/hashing/native-sha1.ts';
import { verifyData } from '../engine/storage/verify.ts';
import { TesseraError } from '../engine/errors.ts';
import { toErrorResult, type JobHandlers } from './dispatcher.ts';
import type { WorkerToHost } from './protocol.ts';
import type { EngineSession } from './session-port.ts';

type CreateArg = Extract<ValidCommand, { command: 'create:start' }>['arg'];
type VerifyArg = Extract<ValidCommand, { command: 'verify:start' }>['arg'];

export const MAX_JOBS = 8;
const PROGRESS_MS = 250;

export function createJobHandlers(session: EngineSession, post: (m: WorkerToHost) => void): JobHandlers {
  const running = new Map<string, AbortController>();

  const progress = (jobId: string): ((done: number, total: number) => void) => {
    let last = 0;
    return (done, total) => {
      const now = Date.now();
      if (done < total && now - last < PROGRESS_MS) return;
      last = now;
      post({ t: 'event', event: 'job:progress', payload: { jobId, done, total } });
    };
  };

  const begin = (jobId: string): AbortController | Result<never> => {
    if (running.has(jobId)) return { ok: false, error: { code: 'BAD_ARGUMENT', message: `job ${jobId} is already running` } };
    if (running.size >= MAX_JOBS) return { ok: false, error: { code: 'BAD_ARGUMENT', message: 'too many jobs running' } };
    const ac = new AbortController();
    running.set(jobId, ac);
    return ac;
  };

  return {
    async create(a: CreateArg): Promise<Result<CreateTorrentResult>> {
      const ac = begin(a.jobId);
      if (!(ac instanceof AbortController)) return ac;
      try {
        const { bytes, meta } = await createTorrent(a.path, {
          version: a.version,
          pieceLength: a.pieceLength === 0 ? 'auto' : a.pieceLength,
          announce: a.trackers.filter((t) => t.length > 0),
          webSeeds: a.webSeeds,
          private: a.private,
          ...(a.source !== undefined ? { source: a.source } : {}),
          ...(a.comment !== undefined ? { comment: a.comment } : {}),
        }, { signal: ac.signal, onProgress: progress(a.jobId) });
        if (a.outputPath !== undefined) {
          // 'wx': never replace an existing file (the dialog asks for a new name instead).
          await writeFile(a.outputPath, bytes, { flag: 'wx' }).catch((e: unknown) => {
            if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new TesseraError('BAD_ARGUMENT', `${a.outputPath} already exists; choose another name`);
            throw new TesseraError('IO_ERROR', `cannot write ${a.outputPath}: ${(e as Error).message}`, { cause: e });
          });
        }
        // The torrent's name is the basename of `path`, so its data sits in the parent folder.
        if (a.seed) await session.addTorrent(bytes, { savePath: dirname(a.path) });
        const out: CreateTorrentResult = {
          torrentBase64: Buffer.from(bytes).toString('base64'),
          magnet: magnetFromMetainfo(meta),
          pieceCount: meta.pieceCount,
          pieceLength: meta.pieceLength,
        };
        if (meta.infoHashV1) out.infoHashV1 = toHex(meta.infoHashV1);
        if (meta.infoHashV2) out.infoHashV2 = toHex(meta.infoHashV2);
        return { ok: true, value: out };
      } catch (e) {
        return toErrorResult(e);
      } finally {
        running.delete(a.jobId);
      }
    },
    cancelCreate: (jobId) => running.get(jobId)?.abort(),

    async verify(a: VerifyArg): Promise<Result<VerifyResult>> {
      const bytes = a.torrentBase64 !== undefined ? Buffer.from(a.torrentBase64, 'base64') : a.id !== undefined ? session.torrentFile(a.id) : undefined;
      if (!bytes) return { ok: false, error: { code: 'NOT_FOUND', message: `no torrent ${a.id ?? ''}` } };
      const ac = begin(a.jobId);
      if (!(ac instanceof AbortController)) return ac;
      try {
        const meta = parseTorrent(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { pairs: fastPairs });
        const report = await verifyData(meta, a.path, { signal: ac.signal, onProgress: progress(a.jobId) });
        return {
          ok: true,
          value: {
            ok: report.ok,
            pieceCount: report.pieceCount,
            badPieces: report.badPieces,
            files: report.files.map((f) => ({ path: f.path.join('/'), length: f.length, status: f.status, badPieces: f.badPieces })),
          },
        };
      } catch (e) {
        return toErrorResult(e);
      } finally {
        running.delete(a.jobId);
      }
    },
    cancelVerify: (jobId) => running.get(jobId)?.abort(),
  };
}
