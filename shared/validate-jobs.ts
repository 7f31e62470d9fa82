// Validation of the job commands' arguments: create:start (a torrent to build from a path, with
// its trackers, web seeds and output file) and verify:start (a torrent checked against a folder).
import type { CommandArg, CreateTorrentRequest, MetaVersionChoice } from './contract.ts';
import { MAX_TEXT, MAX_URLS, bad, base64, bool, int, jobId, ok, path, record, str, stringList, torrentId, type V } from './validate-fields.ts';

const VERSIONS: readonly MetaVersionChoice[] = ['v1', 'v2', 'hybrid'];

export function createRequest(v: unknown): V<CreateTorrentRequest & { jobId: string }> {
  const keys = ['jobId', 'path', 'version', 'pieceLength', 'trackers', 'webSeeds', 'private', 'source', 'comment', 'outputPath', 'seed'];
  const o = record(v, 'create:start', keys);
  if (!o.ok) return o;
  const a = o.value;
  const job = jobId(a.jobId);
  if (!job.ok) return job;
  const p = path(a.path, 'path');
  if (!p.ok) return p;
  const version = VERSIONS.find((x) => x === a.version);
  if (version === undefined) return bad('version must be v1, v2 or hybrid');
  const pl = int(a.pieceLength, 'pieceLength', 0, 2 ** 30);
  if (!pl.ok) return pl;
  if (pl.value !== 0 && (pl.value < 16384 || (pl.value & (pl.value - 1)) !== 0)) {
    return bad('pieceLength must be 0 (automatic) or a power of two of at least 16 KiB');
  }
  if (!Array.isArray(a.trackers) || a.trackers.length > MAX_URLS) return bad('trackers must be an array of tiers');
  const trackers: string[][] = [];
  for (const [i, tier] of a.trackers.entries()) {
    const t = stringList(tier, `trackers[${i}]`);
    if (!t.ok) return t;
    trackers.push(t.value);
  }
  const webSeeds = stringList(a.webSeeds, 'webSeeds');
  if (!webSeeds.ok) return webSeeds;
  const priv = bool(a.private, 'private');
  if (!priv.ok) return priv;
  const seed = bool(a.seed, 'seed');
  if (!seed.ok) return seed;
  const out: CreateTorrentRequest & { jobId: string } = {
    jobId: job.value, path: p.value, version, pieceLength: pl.value, trackers, webSeeds: webSeeds.value,
    private: priv.value, seed: seed.value,
  };
  if (a.source !== undefined) {
    const s = str(a.source, 'source', MAX_TEXT);
    if (!s.ok) return s;
    out.source = s.value;
  }
  if (a.comment !== undefined) {
    const c = str(a.comment, 'comment', MAX_TEXT);
    if (!c.ok) return c;
    out.comment = c.value;
  }
  if (a.outputPath !== undefined) {
    const op = path(a.outputPath, 'outputPath');
    if (!op.ok) return op;
    // The engine writes only .torrent files (and never over an existing file: jobs.ts), so a
    // compromised renderer cannot use "save the torrent" to clobber other files.
    if (!/\.torrent$/i.test(op.value)) return bad('outputPath must end in .torrent');
    out.outputPath = op.value;
  }
  return ok(out);
}

export function verifyRequest(v: unknown): V<CommandArg<'verify:start'>> {
  const o = record(v, 'verify:start', ['jobId', 'torrentBase64', 'id', 'path']);
  if (!o.ok) return o;
  const a = o.value;
  const job = jobId(a.jobId);
  if (!job.ok) return job;
  const p = path(a.path, 'path');
  if (!p.ok) return p;
  if ((a.torrentBase64 === undefined) === (a.id === undefined)) return bad('verify:start needs exactly one of torrentBase64 and id');
  if (a.torrentBase64 !== undefined) {
    const b = base64(a.torrentBase64, 'torrentBase64');
    if (!b.ok) return b;
    return ok({ jobId: job.value, path: p.value, torrentBase64: b.value });
  }
  const id = torrentId(a.id, 'id');
  if (!id.ok) return id;
  return ok({ jobId: job.value, path: p.value, id: id.value });
}
