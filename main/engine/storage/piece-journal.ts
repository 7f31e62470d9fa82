// Append-only list of pieces verified since the last resume flush (4-byte big-endian indices).
// No fsync per entry: after kill -9 the kernel still has every completed write, and after a power
// cut a lost entry only means a piece is downloaded again. Entries are never trusted blindly —
// on load they name pieces to re-check (hash), which is what keeps a crash from costing either a
// verified piece or a whole-torrent re-hash (see resume-data.ts for the full ordering).
//
// Lifecycle: open() → entries (re-check them) → after the re-checked pieces are in a flushed resume
// record, reset() → append() as pieces verify → close(). reset() must not race with append():
// call it only before downloading starts (the journal grows by 4 bytes per verified piece, so
// it stays bounded by 4 × pieceCount between restarts without ever being truncated mid-run).

import { open, type FileHandle } from 'node:fs/promises';
import { TesseraError } from '../errors.ts';

export class PieceJournal {
  readonly path: string;
  readonly #fh: FileHandle;
  readonly #pieceCount: number;
  #size: number;
  #chain: Promise<void> = Promise.resolve();
  #failed: unknown;

  private constructor(path: string, fh: FileHandle, pieceCount: number, size: number) {
    this.path = path;
    this.#fh = fh;
    this.#pieceCount = pieceCount;
    this.#size = size;
  }

  /** Open (creating if needed) and return the journal plus the valid piece indices it holds. */
  static async open(path: string, pieceCount: number): Promise<{ journal: PieceJournal; entries: number[] }> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'a+');
    } catch (err) {
      throw new TesseraError('IO_ERROR', `could not open ${path}`, { cause: err });
    }
    try {
      const st = await fh.stat();
      // A torn last entry (crash mid-append) is ignored; so is anything past a sane bound.
      const whole = Math.min(st.size - (st.size % 4), 4 * 4 * Math.max(1, pieceCount));
      const buf = new Uint8Array(whole);
      let done = 0;
      while (done < whole) {
        const { bytesRead } = await fh.read(buf, done, whole - done, done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      const view = new DataView(buf.buffer, 0, done - (done % 4));
      const seen = new Set<number>();
      for (let off = 0; off + 4 <= view.byteLength; off += 4) {
        const p = view.getUint32(off);
        if (p < pieceCount) seen.add(p);
      }
      const journal = new PieceJournal(path, fh, pieceCount, st.size);
      if (st.size % 4 !== 0) {
        // Drop the torn tail so new entries stay aligned; the whole entries before it stay.
        await fh.truncate(st.size - (st.size % 4));
        journal.#size = st.size - (st.size % 4);
      }
      return { journal, entries: [...seen].sort((a, b) => a - b) };
    } catch (err) {
      await fh.close().catch(() => {});
      throw err instanceof TesseraError ? err : new TesseraError('IO_ERROR', `could not read ${path}`, { cause: err });
    }
  }

  /** Record a verified piece. Writes are serialised; a failure surfaces on the next call or close(). */
  append(piece: number): Promise<void> {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.#pieceCount) {
      return Promise.reject(new TesseraError('BAD_ARGUMENT', `piece ${piece} out of range`));
    }
    const rec = new Uint8Array(4);
    new DataView(rec.buffer).setUint32(0, piece);
    this.#chain = this.#chain.then(async () => {
      if (this.#failed !== undefined) throw this.#failed;
      try {
        // 'a+' is O_APPEND: each write lands at the end whatever position we pass.
        await this.#fh.write(rec, 0, 4);
        this.#size += 4;
      } catch (err) {
        this.#failed = new TesseraError('IO_ERROR', `could not append to ${this.path}`, { cause: err });
        throw this.#failed;
      }
    });
    return this.#chain;
  }

  get size(): number {
    return this.#size;
  }

  /** Empty the journal: only once its pieces are in a flushed resume record, with no append in flight. */
  async reset(): Promise<void> {
    await this.#chain.catch(() => {});
    await this.#fh.truncate(0);
    this.#size = 0;
  }

  async close(): Promise<void> {
    await this.#chain.catch(() => {});
    await this.#fh.close();
  }
}
