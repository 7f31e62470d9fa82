// Whether FsStore writes a piece on the calling thread (synchronous pwrite) or through the libuv
// thread pool. Into the page cache a 128 KiB write takes tens of µs, and the pool's hand-offs cost
// more than that: eight jobs per piece, each waking a pool thread and then the event loop, and on
// a VM each wake-up is an inter-processor interrupt. Measured leeching 1 GiB from libtorrent on the
// 2-core VM: 3.4-4.1 CPU s/GiB written inline vs 3.8-4.9 through the pool, alternating runs.
// A dedicated writer thread (one message each way per piece) measured no better than the pool.
//
// ARCHITECTURE.md: the engine never blocks on disk. An inline write is a copy into the page
// cache and waits for no disk, with two exceptions, both handled: the kernel throttles writers
// when dirty pages pile up faster than the disk drains them (a slow USB stick), so a piece whose
// writes took longer than `slowMs` sends the store to the thread pool for `backoffMs` (then it
// tries inline again); and a network filesystem can hang a write outright, so inline writes are
// used only on local filesystems (inlineWritesAllowed). InlineWrites itself is pure (the clock is
// injected).

export interface InlineWritesOptions {
  /** A synchronous write taking longer than this (ms) means the disk is pushing back. */
  slowMs?: number;
  /** How long to use the thread pool after a slow write (ms). */
  backoffMs?: number;
  clock?: () => number;
}

export class InlineWrites {
  readonly #slowMs: number;
  readonly #backoffMs: number;
  readonly #clock: () => number;
  #poolUntil = -Infinity;

  constructor(opts: InlineWritesOptions = {}) {
    this.#slowMs = opts.slowMs ?? 5;
    this.#backoffMs = opts.backoffMs ?? 10_000;
    this.#clock = opts.clock ?? (() => performance.now());
  }

  /** Write the next piece on the calling thread? */
  get now(): boolean {
    return this.#clock() >= this.#poolUntil;
  }

  /** How long an inline write took (ms). */
  took(ms: number): void {
    if (ms > this.#slowMs) this.#poolUntil = this.#clock() + this.#backoffMs;
  }
}

/**
 * Linux filesystems whose page-cache writes do not wait on a network (statfs f_type magic numbers):
 * ext2/3/4, XFS, Btrfs, tmpfs, F2FS, ZFS, bcachefs, overlayfs. A hard-mounted NFS or SMB share
 * that stops answering would hang a write, and with it the engine: those always use the pool, as
 * does every other platform and any filesystem not named here.
 */
const LOCAL_FILESYSTEMS = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0xf2f52010, 0x2fc12fc1, 0xca451a4e, 0x794c7630]);

/** Whether `dir` (which must exist) is on a filesystem inline writes are allowed on. */
export async function inlineWritesAllowed(dir: string): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  try {
    const { statfs } = await import('node:fs/promises');
    return LOCAL_FILESYSTEMS.has((await statfs(dir)).type);
  } catch {
    return false;
  }
}
