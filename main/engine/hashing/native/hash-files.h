// Files read and hashed in C, off the JS thread: v1 piece SHA-1s over the whole layout and/or
// BEP 52 16 KiB leaf SHA-256s per file (sha1x8.c's hashFiles runs this as one Node-API async work
// item on libuv's pool, which starts the other threads). Included once, by sha1x8.c.
// Why not worker_threads: a Worker is a whole Node environment that takes 60-100 ms to boot here,
// a fifth of `tessera create` or `verify` of 1 GiB; a thread takes tens of microseconds. Why one
// call for the whole layout rather than a call per chunk: each hand-back to the event loop waits
// for a core while both are hashing (1 GiB in 8 MiB jobs, two at a time: 0.34 s against 0.24 s
// for the same reads and hashes with no hand-offs).
// The layout is segments of files end to end (a null path reads as zeros, so do bytes past a
// segment's `avail`). Threads take groups of eight pieces from a shared counter; each group is
// read a slice at a time, each lane's next 128 KiB into one page-aligned buffer of the thread
// (8 x 128 KiB = 1 MiB, one core's L2 here), and hashed while in cache: the leaves of the file
// bytes just read, then the eight pieces' SHA-1 lanes. Leaves need each file's bytes to start
// on a 16 KiB boundary of the layout and pieces a multiple of 16 KiB (v2 and hybrid layouts
// are built so; the caller checks). v2 only (no SHA-1): zeros between files are not read. Each
// thread keeps its last few files open (HF_FDS), so thousands of small files never hold
// thousands of descriptors. control[0] != 0 (set by JS) stops the threads; control[1] counts
// pieces done.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define HF_SLICE 131072
#define HF_FDS 16
#define HF_LEAF 16384

typedef struct {
  char *path; // NULL: zeros
  uint64_t pos, len, avail;
  int strict;        // a short read is an error (the file changed while creating)
  int leaves;        // also hash this segment's 16 KiB leaves
  uint64_t leaf_at;  // index of its first leaf in the leaves output
} hf_seg;

typedef struct {
  hf_seg *segs;
  size_t nsegs;
  uint64_t *starts; // each segment's offset in the layout
  uint64_t total, pl, pieces;
  uint8_t *sha1;     // 20 bytes per piece, or NULL for none (JS memory, held by a reference)
  uint8_t *leaves;   // 32 bytes per leaf (JS memory, held by a reference)
  int32_t *control;  // [0] stop, [1] pieces done (JS memory, held by a reference)
  uint64_t next;     // next group of eight pieces (atomic)
  int failed;        // atomic; the first failure's message is in err, its errno (or 0) in err_errno
  int err_errno;
  char err[768];
} hf_layout;

// One thread's state: its read buffer and its open files.
typedef struct {
  uint8_t *buf;
  size_t slice;
  int fd[HF_FDS];
  size_t seg[HF_FDS];
  unsigned used[HF_FDS], clock;
} hf_thread;

static int hf_fail(hf_layout *j, const char *path, const char *why, int err_no) {
  if (__atomic_exchange_n(&j->failed, 1, __ATOMIC_ACQ_REL) == 0) {
    snprintf(j->err, sizeof j->err, "%s: %s", path, why);
    j->err_errno = err_no;
  }
  return -1;
}

static int hf_open(hf_layout *j, hf_thread *t, size_t s) {
  int lru = 0;
  for (int i = 0; i < HF_FDS; i++) {
    if (t->fd[i] >= 0 && t->seg[i] == s) { t->used[i] = ++t->clock; return t->fd[i]; }
    if (t->fd[i] < 0 || (t->fd[lru] >= 0 && t->used[i] < t->used[lru])) lru = i;
  }
  if (t->fd[lru] >= 0) close(t->fd[lru]);
  int fd;
  do fd = open(j->segs[s].path, O_RDONLY | O_CLOEXEC); while (fd < 0 && errno == EINTR);
  const int e = errno;
  t->fd[lru] = fd;
  if (fd < 0) return hf_fail(j, j->segs[s].path, strerror(e), e);
  t->seg[lru] = s;
  t->used[lru] = ++t->clock;
  return fd;
}

// Segment s's bytes [from, to) into dst (past its avail, or a null path: zeros), then their leaves.
static int hf_read_seg(hf_layout *j, hf_thread *t, size_t s, uint8_t *dst, uint64_t from, uint64_t to) {
  const hf_seg *g = &j->segs[s];
  uint64_t want = 0, got = 0;
  if (g->path && g->avail > from) want = (to < g->avail ? to : g->avail) - from;
  if (want > 0) {
    const int fd = hf_open(j, t, s);
    if (fd < 0) return -1;
    while (got < want) {
      ssize_t n = pread(fd, dst + got, want - got, (off_t)(g->pos + from + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) { const int e = errno; return hf_fail(j, g->path, strerror(e), e); }
      if (n == 0) break;
      got += (uint64_t)n;
    }
    if (got < want && g->strict) return hf_fail(j, g->path, "file shrank while being read", 0);
  }
  if (got < to - from) memset(dst + got, 0, to - from - got);
  if (g->leaves) {
    // Whole leaves, but for the segment's last (the caller guarantees 16 KiB-aligned segments).
    if (from % HF_LEAF != 0 || ((to - from) % HF_LEAF != 0 && to != g->len)) return hf_fail(j, "hashFiles", "a file's leaves are not 16 KiB-aligned in the layout", 0);
    const uint64_t full = (to - from) / HF_LEAF, rem = (to - from) % HF_LEAF;
    uint8_t *out = j->leaves + (g->leaf_at + from / HF_LEAF) * 32;
    if (full > 0) sha256_same_len(dst, HF_LEAF, full, HF_LEAF, out);
    if (rem > 0) sha256_same_len(dst + full * HF_LEAF, rem, 1, rem, out + full * 32);
  }
  return 0;
}

// Layout bytes [a, b) into dst. Without SHA-1 pieces, only file bytes with leaves are read.
static int hf_read_span(hf_layout *j, hf_thread *t, uint8_t *dst, uint64_t a, uint64_t b) {
  size_t lo = 0, hi = j->nsegs; // first segment ending after a
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (j->starts[mid] + j->segs[mid].len <= a) lo = mid + 1; else hi = mid;
  }
  for (size_t i = lo; i < j->nsegs && j->starts[i] < b; i++) {
    if (!j->sha1 && !j->segs[i].leaves) continue;
    const uint64_t s = j->starts[i], len = j->segs[i].len;
    const uint64_t from = (a > s ? a : s) - s, to = (b < s + len ? b : s + len) - s;
    if (to > from && hf_read_seg(j, t, i, dst + (s + from - a), from, to) < 0) return -1;
  }
  return 0;
}

static int hf_stopped(hf_layout *j) {
  return __atomic_load_n(&j->failed, __ATOMIC_ACQUIRE) || __atomic_load_n(&j->control[0], __ATOMIC_ACQUIRE);
}

// Pieces [k, k + count), each `len` bytes (count <= 8; idle SHA-1 lanes hash lane 0's bytes again).
static int hf_group(hf_layout *j, hf_thread *t, uint64_t k, size_t count, uint64_t len) {
  const uint8_t *p[LANES];
  uint8_t state[STATE_BYTES], digests[LANES * 20];
  for (size_t lane = 0; lane < LANES; lane++) p[lane] = t->buf + (lane < count ? lane : 0) * t->slice;
  sha1_lanes_init(state);
  for (uint64_t off = 0; off < len; off += t->slice) {
    const uint64_t part = len - off < t->slice ? len - off : t->slice;
    for (size_t lane = 0; lane < count; lane++) {
      const uint64_t at = (k + lane) * j->pl + off;
      if (hf_read_span(j, t, t->buf + lane * t->slice, at, at + part) < 0) return -1;
    }
    if (!j->sha1) continue;
    if (off + part < len) compress(state, p, part / 64);
    else sha1_lanes_final(state, p, part, len, digests);
  }
  if (j->sha1) memcpy(j->sha1 + k * 20, digests, count * 20);
  return 0;
}

// One thread's share: groups of eight pieces until none are left, a failure or a stop.
static void hf_work(hf_layout *j) {
  hf_thread t = {.slice = j->pl < HF_SLICE ? (size_t)j->pl : HF_SLICE};
  for (int i = 0; i < HF_FDS; i++) t.fd[i] = -1;
  // Page-aligned: on AMD Zen the kernel's copy out of the page cache runs ~4x slower into a
  // destination that sits a few bytes off the source's offset in its page (worker-source.ts).
  if (posix_memalign((void **)&t.buf, 4096, LANES * t.slice) != 0) { hf_fail(j, "hashFiles", "out of memory", ENOMEM); return; }
  const uint64_t whole = j->total / j->pl;
  for (;;) {
    if (hf_stopped(j)) break;
    const uint64_t k = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED) * LANES;
    if (k >= j->pieces) break;
    // Eight whole pieces, or the fewer left, then the short last piece on its own.
    const size_t full = k < whole ? (size_t)(whole - k < LANES ? whole - k : LANES) : 0;
    if (full > 0 && hf_group(j, &t, k, full, j->pl) < 0) break;
    if (full < LANES && whole < j->pieces && k + full == whole && hf_group(j, &t, whole, 1, j->total - whole * j->pl) < 0) break;
    __atomic_fetch_add(&j->control[1], (int32_t)(j->pieces - k < LANES ? j->pieces - k : LANES), __ATOMIC_RELEASE);
  }
  for (int i = 0; i < HF_FDS; i++) if (t.fd[i] >= 0) close(t.fd[i]);
  free(t.buf);
}
