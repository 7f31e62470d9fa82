// One bounded HTTP GET for a web seed: exactly `length` bytes or an error. The body is read into
// a buffer of the requested size and never past it (a server sending more is cut off, and one
// ignoring Range on a non-zero offset is refused rather than downloaded whole). A few redirects
// are followed, http and https only; everything has a timeout and an AbortSignal.
import http from 'node:http';
import https from 'node:https';
import { TesseraError } from '../errors.ts';

export interface FetchOptions {
  /** Byte range inside the resource (BEP 19); absent for BEP 17, where the URL names the bytes. */
  range?: { start: number; length: number };
  /** Bytes expected in the body. */
  length: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class HttpSeedBusy extends TesseraError {
  constructor(readonly retryAfterSec: number) {
    super('IO_ERROR', `web seed busy, retry in ${retryAfterSec} s`, { severity: 'warning' });
  }
}

const MAX_REDIRECTS = 3;

export async function fetchBytes(url: string, o: FetchOptions): Promise<Uint8Array> {
  let u = url;
  for (let hop = 0; ; hop++) {
    const r = await once(u, o);
    if (r.kind === 'data') return r.data;
    if (hop >= MAX_REDIRECTS) throw new TesseraError('IO_ERROR', `too many redirects from ${url}`);
    u = r.location;
  }
}

type Once = { kind: 'data'; data: Uint8Array } | { kind: 'redirect'; location: string };

function once(url: string, o: FetchOptions): Promise<Once> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try { parsed = new URL(url); } catch { reject(new TesseraError('IO_ERROR', `bad web seed URL ${url}`)); return; }
    const mod = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (mod === undefined) { reject(new TesseraError('IO_ERROR', `unsupported web seed scheme ${parsed.protocol}`)); return; }
    const headers: Record<string, string> = { 'user-agent': 'Tessera/0.1', accept: '*/*' };
    if (o.range !== undefined) headers.range = `bytes=${o.range.start}-${o.range.start + o.range.length - 1}`;
    const fail = (msg: string): void => { req.destroy(); reject(new TesseraError('IO_ERROR', `${parsed.host}: ${msg}`)); };
    const req = mod.get(parsed, { headers, timeout: o.timeoutMs ?? 30_000, ...(o.signal !== undefined ? { signal: o.signal } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && typeof res.headers.location === 'string') {
        res.resume();
        let next: URL;
        try { next = new URL(res.headers.location, parsed); } catch { fail('bad redirect'); return; }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') { fail('redirect to a non-HTTP URL'); return; }
        resolve({ kind: 'redirect', location: next.href });
        return;
      }
      if (status === 503) {
        // BEP 17: the body is the number of seconds to wait. Read at most a few bytes of it.
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (d: string) => { body += d; if (body.length > 32) res.destroy(); });
        res.on('close', () => { const n = Number.parseInt(body.trim(), 10); reject(new HttpSeedBusy(Number.isFinite(n) && n > 0 ? Math.min(n, 3600) : 60)); });
        return;
      }
      if (o.range !== undefined) {
        if (status === 206) {
          const cr = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
          if (!cr || Number(cr[1]) !== o.range.start || Number(cr[2]) !== o.range.start + o.range.length - 1) { fail(`Content-Range ${String(res.headers['content-range'])} is not the one asked for`); return; }
        } else if (!(status === 200 && o.range.start === 0)) {
          fail(`HTTP ${status} for a range request`);
          return;
        }
      } else if (status !== 200) {
        fail(`HTTP ${status}`);
        return;
      }
      const buf = new Uint8Array(o.length);
      let got = 0;
      let done = false;
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        const take = Math.min(chunk.length, o.length - got);
        buf.set(chunk.subarray(0, take), got);
        got += take;
        // A 200 for a range starting at 0 carries the whole file: keep what we asked for only.
        if (chunk.length > take && !(status === 200 && o.range !== undefined)) { done = true; fail('more bytes than asked for'); return; }
        if (got === o.length && status === 200 && o.range !== undefined) { done = true; res.destroy(); resolve({ kind: 'data', data: buf }); }
      });
      res.on('end', () => {
        if (done) return;
        done = true;
        if (got !== o.length) { fail(`short body: ${got} of ${o.length} bytes`); return; }
        resolve({ kind: 'data', data: buf });
      });
      res.on('error', (e) => { if (!done) { done = true; fail(e.message); } });
    });
    req.on('timeout', () => fail('timed out'));
    req.on('error', (e) => reject(new TesseraError('IO_ERROR', `${parsed.host}: ${e.message}`, { cause: e })));
  });
}
