// v1 piece hashes of files read in C, off the JS thread (sha1x8.c's sha1Layout runs this as one
// Node-API async work item on libuv's pool, which starts the other threads). Included once, by
// sha1x8.c.
// Why not worker_threads: a Worker is a whole Node environment that takes 60-100 ms to boot here,
// a fifth of `tessera create` or `verify` of 1 GiB; a thread takes tens of microseconds. Why one
// call for the whole layout rather than a call per chunk: each hand-back to the event loop waits
// for a core while both are hashing (1 GiB in 8 MiB jobs, two at a time: 0.34 s against 0.24 s
// for the same reads and hashes with no hand-offs).
// The layout is segments of files end to end (a null path reads as zeros, so do bytes past a
// segment's `avail`). Threads take groups of eight pieces from a shared counter; each group is
// hashed eight lanes at once, each lane's next 128 KiB read into one page-aligned buffer of the
// thread (8 x 128 KiB = 1 MiB, one core's L2 here) and hashed while in cache. Each thread keeps
// its last few files open (RP_FDS), so thousands of small files never hold thousands of
// descriptors. control[0] != 0 (set by JS) stops the threads; control[1] counts pieces done.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define RP_SLICE 131072
#define RP_FDS 16

typedef struct {
  char *path; // NULL: zeros
  uint64_t pos, len, avail;
  int strict; // a short read is an error (the file changed while creating)
} rp_seg;

typedef struct {
  rp_seg *segs;
  size_t nsegs;
  uint64_t *starts; // each segment's offset in the layout
  uint64_t total, pl, pieces;
  uint8_t *out;      // 20 bytes per piece (JS memory, held by a reference)
  int32_t *control;  // [0] stop, [1] pieces done (JS memory, held by a reference)
  uint64_t next;     // next group of eight pieces (atomic)
  int failed;        // atomic; the first failure's message is in err, its errno (or 0) in err_errno
  int err_errno;
  char err[768];
} rp_layout;

// One thread's state: its read buffer and its open files.
typedef struct {
  uint8_t *buf;
  size_t slice;
  int fd[RP_FDS];
  size_t seg[RP_FDS];
  unsigned used[RP_FDS], clock;
} rp_thread;

static int rp_fail(rp_layout *j, const char *path, const char *why, int err_no) {
  if (__atomic_exchange_n(&j->failed, 1, __ATOMIC_ACQ_REL) == 0) {
    snprintf(j->err, sizeof j->err, "%s: %s", path, why);
    j->err_errno = err_no;
  }
  return -1;
}

static int rp_open(rp_layout *j, rp_thread *t, size_t s) {
  int lru = 0;
  for (int i = 0; i < RP_FDS; i++) {
    if (t->fd[i] >= 0 && t->seg[i] == s) { t->used[i] = ++t->clock; return t->fd[i]; }
    if (t->fd[i] < 0 || (t->fd[lru] >= 0 && t->used[i] < t->used[lru])) lru = i;
  }
  if (t->fd[lru] >= 0) close(t->fd[lru]);
  int fd;
  do fd = open(j->segs[s].path, O_RDONLY | O_CLOEXEC); while (fd < 0 && errno == EINTR);
  t->fd[lru] = fd;
  const int e = errno;
  if (fd < 0) return rp_fail(j, j->segs[s].path, strerror(e), e);
  t->seg[lru] = s;
  t->used[lru] = ++t->clock;
  return fd;
}

// Segment s's bytes [from, to) into dst; past its avail (or a null path) is zeros.
static int rp_read_seg(rp_layout *j, rp_thread *t, size_t s, uint8_t *dst, uint64_t from, uint64_t to) {
  const rp_seg *g = &j->segs[s];
  uint64_t want = 0, got = 0;
  if (g->path && g->avail > from) want = (to < g->avail ? to : g->avail) - from;
  if (want > 0) {
    const int fd = rp_open(j, t, s);
    if (fd < 0) return -1;
    while (got < want) {
      ssize_t n = pread(fd, dst + got, want - got, (off_t)(g->pos + from + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) { const int e = errno; return rp_fail(j, g->path, strerror(e), e); }
      if (n == 0) break;
      got += (uint64_t)n;
    }
    if (got < want && g->strict) return rp_fail(j, g->path, "file shrank while being read", 0);
  }
  if (got < to - from) memset(dst + got, 0, to - from - got);
  return 0;
}

// Layout bytes [a, b) into dst.
static int rp_read_span(rp_layout *j, rp_thread *t, uint8_t *dst, uint64_t a, uint64_t b) {
  size_t lo = 0, hi = j->nsegs; // first segment ending after a
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (j->starts[mid] + j->segs[mid].len <= a) lo = mid + 1; else hi = mid;
  }
  for (size_t i = lo; i < j->nsegs && j->starts[i] < b; i++) {
    const uint64_t s = j->starts[i], len = j->segs[i].len;
    const uint64_t from = (a > s ? a : s) - s, to = (b < s + len ? b : s + len) - s;
    if (to > from && rp_read_seg(j, t, i, dst + (s + from - a), from, to) < 0) return -1;
  }
  return 0;
}

static int rp_stopped(rp_layout *j) {
  return __atomic_load_n(&j->failed, __ATOMIC_ACQUIRE) || __atomic_load_n(&j->control[0], __ATOMIC_ACQUIRE);
}

// Pieces [k, k + count), each `len` bytes (count <= 8; idle lanes hash lane 0's bytes again).
static int rp_group(rp_layout *j, rp_thread *t, uint64_t k, size_t count, uint64_t len) {
  const uint8_t *p[LANES];
  uint8_t state[STATE_BYTES], digests[LANES * 20];
  for (size_t lane = 0; lane < LANES; lane++) p[lane] = t->buf + (lane < count ? lane : 0) * t->slice;
  sha1_lanes_init(state);
  for (uint64_t off = 0; off < len; off += t->slice) {
    const uint64_t part = len - off < t->slice ? len - off : t->slice;
    for (size_t lane = 0; lane < count; lane++) {
      const uint64_t at = (k + lane) * j->pl + off;
      if (rp_read_span(j, t, t->buf + lane * t->slice, at, at + part) < 0) return -1;
    }
    if (off + part < len) compress(state, p, part / 64);
    else sha1_lanes_final(state, p, part, len, digests);
  }
  memcpy(j->out + k * 20, digests, count * 20);
  return 0;
}

// One thread's share: groups of eight pieces until none are left, a failure or a stop.
static void rp_work(rp_layout *j) {
  rp_thread t = {.slice = j->pl < RP_SLICE ? (size_t)j->pl : RP_SLICE};
  for (int i = 0; i < RP_FDS; i++) t.fd[i] = -1;
  // Page-aligned: on AMD Zen the kernel's copy out of the page cache runs ~4x slower into a
  // destination that sits a few bytes off the source's offset in its page (worker-source.ts).
  if (posix_memalign((void **)&t.buf, 4096, LANES * t.slice) != 0) { rp_fail(j, "sha1Layout", "out of memory", ENOMEM); return; }
  const uint64_t whole = j->total / j->pl;
  for (;;) {
    if (rp_stopped(j)) break;
    const uint64_t k = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED) * LANES;
    if (k >= j->pieces) break;
    // Eight whole pieces, or the fewer left, then the short last piece on its own.
    const size_t full = k < whole ? (size_t)(whole - k < LANES ? whole - k : LANES) : 0;
    if (full > 0 && rp_group(j, &t, k, full, j->pl) < 0) break;
    if (full < LANES && whole < j->pieces && k + full == whole && rp_group(j, &t, whole, 1, j->total - whole * j->pl) < 0) break;
    __atomic_fetch_add(&j->control[1], (int32_t)(j->pieces - k < LANES ? j->pieces - k : LANES), __ATOMIC_RELEASE);
  }
  for (int i = 0; i < RP_FDS; i++) if (t.fd[i] >= 0) close(t.fd[i]);
  free(t.buf);
}
