// SHA-1 of eight equal-length messages at once. A torrent's pieces are independent messages of
// one length, so create, verify and recheck hash them eight at a time. Two ways, chosen at load:
//  - SHA-NI (x86 SHA extensions), four messages interleaved: one message's rounds are a chain of
//    dependent sha1rnds4 instructions, so a single stream (OpenSSL's, which node:crypto uses)
//    leaves the unit idle most of each instruction's latency; four chains keep it busy.
//  - AVX2 without SHA-NI: one message per 32-bit lane of eight (the "multi-buffer" technique of
//    Intel's isa-l_crypto).
// Measured on the development machine (AMD EPYC, Zen 3), hashing 256 KiB pieces in cache, per
// core: OpenSSL 1.60 GB/s; SHA-NI x4 2.9-3.1 GB/s; AVX2 x8 2.0-2.9 GB/s (it varies with what the
// other tenants of the host run). WebAssembly SIMD has neither SHA-NI nor 256-bit lanes. Loaded by
// the hash workers (worker-source.ts) when built (scripts/native-build.mjs), else node:crypto.
// SHA-256 (BEP 52's 16 KiB leaves and 64-byte merkle pairs: also many independent messages) the
// same two ways; 16 KiB leaves per core here: node:crypto 1.1 GiB/s, SHA-NI 2.0-2.9, AVX2 1.4.
//
// Node-API only (ABI-stable: one build serves Node 20, Node 22 and Electron's Node). Exports:
//   available          true when this CPU has SHA-NI or AVX2 (else nothing below may be called)
//   engine()           the implementation in use: "sha-ni", "avx2" or "none"
//   engines            the ones this CPU can run, best first
//   useEngine(name)    switch implementation, process-wide (tests run both); false if unknown here
//   abi                the interface version native-sha1.ts expects
//   init(state)        state: Uint8Array(160), the eight running hash states
//   update(state, data, stride, len)
//                      lane i consumes data[i*stride, i*stride + len); len a multiple of 64
//   final(state, data, stride, len, total) -> Uint8Array(160)
//                      lane i's last `len` bytes (any length) at data[i*stride...], then the
//                      padding for a message of `total` bytes; eight 20-byte digests, lane order
//   sha256Chunks(data, size) -> Uint8Array
//                      SHA-256 of each `size`-byte slice of data (the last may be shorter), four
//                      (SHA-NI) or eight (AVX2) slices at a time: BEP 52's 16 KiB leaves, and
//                      64-byte pairs for a merkle layer; 32 bytes per slice
//   statFiles(paths) -> Float64Array
//                      each path's size when it is a regular file (links followed), else -1
//   hashFiles(paths, segs, pieceLength, pieces, leaves, control, threads) -> Promise<void>
//                      files end to end read and hashed by `threads` threads off the JS thread:
//                      v1 piece SHA-1s and/or v2 leaves (hash-files.h); arguments: native-sha1.ts
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#define ABI 4
#define LANES 8
#define STATE_BYTES (5 * LANES * 4)

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86 1
#include "x86-simd.h"
#include "sha1-lanes.h"
#include "sha256-lanes.h"
#else
#define HAVE_X86 0
static void compress_avx2(uint8_t *state, const uint8_t *p[LANES], size_t blocks) { (void)state; (void)p; (void)blocks; }
static void compress_sha_ni(uint8_t *state, const uint8_t *p[LANES], size_t blocks) { (void)state; (void)p; (void)blocks; }
#define NI 4
static void sha256_ni4(uint32_t st[NI][8], const uint8_t *p[NI], size_t blocks) { (void)st; (void)p; (void)blocks; }
static void sha256_avx2(uint32_t st[LANES][8], const uint8_t *p[LANES], size_t blocks) { (void)st; (void)p; (void)blocks; }
static int has_sha_ni(void) { return 0; }
#endif

enum engine { NONE, AVX2_X8, SHA_NI_X4 };

static int can_run(enum engine e) {
#if HAVE_X86
  if (e == SHA_NI_X4) return has_sha_ni();
  __builtin_cpu_init();
  if (e == AVX2_X8) return __builtin_cpu_supports("avx2");
#endif
  (void)e;
  return 0;
}

static const char *engine_name(enum engine e) {
  return e == SHA_NI_X4 ? "sha-ni" : e == AVX2_X8 ? "avx2" : "none";
}

// ---- Node-API glue: a bad argument throws a RangeError; nothing is read outside the buffers. ----

// Set by the first load (later loads, by other threads, keep it); useEngine is for tests.
static enum engine engine = NONE;

static void compress(uint8_t *state, const uint8_t *p[LANES], size_t blocks) {
  if (engine == SHA_NI_X4) compress_sha_ni(state, p, blocks);
  else compress_avx2(state, p, blocks);
}

static napi_value fail(napi_env env, const char *msg) {
  napi_throw_range_error(env, NULL, msg);
  return NULL;
}

static int bytes_arg(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  napi_typedarray_type type;
  void *ptr;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &ptr, &ab, &off) != napi_ok || type != napi_uint8_array) return 0;
  *data = (uint8_t *)ptr;
  return 1;
}

static int size_arg(napi_env env, napi_value v, size_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) || d > 9007199254740991.0 || d != (double)(uint64_t)d) return 0;
  *out = (size_t)d;
  return 1;
}

// Shared checks of update/final: the state, and eight lanes of `len` bytes `stride` apart inside data.
static int lanes_arg(napi_env env, napi_value *argv, uint8_t **state, const uint8_t *p[LANES], size_t *len) {
  uint8_t *data;
  size_t state_len, data_len, stride;
  if (!bytes_arg(env, argv[0], state, &state_len) || state_len != STATE_BYTES) return 0;
  if (!bytes_arg(env, argv[1], &data, &data_len) || !size_arg(env, argv[2], &stride) || !size_arg(env, argv[3], len)) return 0;
  if (stride < *len || stride > data_len || (LANES - 1) * stride + *len > data_len) return 0;
  for (int i = 0; i < LANES; i++) p[i] = data + i * stride;
  return 1;
}

static const uint32_t IV[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};

static void sha1_lanes_init(uint8_t *state) {
  for (int j = 0; j < 5; j++) for (int i = 0; i < LANES; i++) memcpy(state + 32 * j + 4 * i, &IV[j], 4);
}

static napi_value js_init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint8_t *state;
  size_t len;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || !bytes_arg(env, argv[0], &state, &len) || len != STATE_BYTES) return fail(env, "init(state: Uint8Array(160))");
  sha1_lanes_init(state);
  return NULL;
}

static napi_value js_update(napi_env env, napi_callback_info info) {
  size_t argc = 4, len;
  napi_value argv[4];
  uint8_t *state;
  const uint8_t *p[LANES];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (engine == NONE) return fail(env, "sha1x8: this CPU has neither SHA-NI nor AVX2");
  if (argc < 4 || !lanes_arg(env, argv, &state, p, &len) || len % 64 != 0) return fail(env, "update(state, data, stride, len): eight lanes of len (a multiple of 64) bytes, stride apart, inside data");
  compress(state, p, len / 64);
  return NULL;
}

// Merkle-Damgard padding, the same for SHA-1 and SHA-256: each lane's last `rem` bytes (after
// `full` whole blocks), 0x80, zeros, and the message length in bits, big-endian, as 1 or 2 blocks.
static size_t pad_tails(uint8_t tail[LANES][128], const uint8_t *tp[LANES], const uint8_t *const p[LANES], size_t full, size_t rem, uint64_t total) {
  const size_t tail_blocks = rem < 56 ? 1 : 2;
  const uint64_t bits = total * 8;
  for (int i = 0; i < LANES; i++) {
    memset(tail[i], 0, 128);
    memcpy(tail[i], p[i] + full * 64, rem);
    tail[i][rem] = 0x80;
    for (int b = 0; b < 8; b++) tail[i][tail_blocks * 64 - 1 - b] = (uint8_t)(bits >> (8 * b));
    tp[i] = tail[i];
  }
  return tail_blocks;
}

// Each lane's last `len` bytes, the padding for a message of `total` bytes; eight digests, lane order.
static void sha1_lanes_final(uint8_t *state, const uint8_t *p[LANES], size_t len, uint64_t total, uint8_t out[LANES * 20]) {
  const size_t full = len / 64;
  compress(state, p, full);
  uint8_t tail[LANES][128];
  const uint8_t *tp[LANES];
  compress(state, tp, pad_tails(tail, tp, p, full, len % 64, total));
  for (int i = 0; i < LANES; i++) {
    for (int j = 0; j < 5; j++) {
      uint32_t x;
      memcpy(&x, state + 32 * j + 4 * i, 4);
      out[i * 20 + 4 * j] = (uint8_t)(x >> 24); out[i * 20 + 4 * j + 1] = (uint8_t)(x >> 16);
      out[i * 20 + 4 * j + 2] = (uint8_t)(x >> 8); out[i * 20 + 4 * j + 3] = (uint8_t)x;
    }
  }
}

static napi_value js_final(napi_env env, napi_callback_info info) {
  size_t argc = 5, len, total;
  napi_value argv[5];
  uint8_t *state;
  const uint8_t *p[LANES];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (engine == NONE) return fail(env, "sha1x8: this CPU has neither SHA-NI nor AVX2");
  if (argc < 5 || !lanes_arg(env, argv, &state, p, &len) || !size_arg(env, argv[4], &total) || total < len || total > (SIZE_MAX >> 3))
    return fail(env, "final(state, data, stride, len, total): eight lanes of len bytes, stride apart, inside data; total >= len");
  napi_value ab, out;
  void *raw;
  if (napi_create_arraybuffer(env, LANES * 20, &raw, &ab) != napi_ok) return NULL;
  sha1_lanes_final(state, p, len, total, (uint8_t *)raw);
  napi_create_typedarray(env, napi_uint8_array, LANES * 20, ab, 0, &out);
  return out;
}

static const uint32_t IV256[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};

// SHA-256 of n messages of len bytes, message i at base + i*stride; digest i to out + 32*i. Up to
// eight at a time: two quartets of SHA-NI streams (one when four or fewer remain), else eight AVX2
// lanes, following the SHA-1 engine in use; idle streams hash the group's first message again.
static void sha256_group(size_t count, uint32_t st[LANES][8], const uint8_t *p[LANES], size_t blocks) {
  if (engine != SHA_NI_X4) { sha256_avx2(st, p, blocks); return; }
  sha256_ni4(st, p, blocks);
  if (count > NI) sha256_ni4(st + NI, p + NI, blocks);
}

static void sha256_same_len(const uint8_t *base, size_t stride, size_t n, size_t len, uint8_t *out) {
  const size_t full = len / 64;
  for (size_t i = 0; i < n; i += LANES) {
    const size_t count = n - i < LANES ? n - i : LANES;
    const uint8_t *p[LANES], *tp[LANES];
    uint32_t st[LANES][8];
    uint8_t tail[LANES][128];
    for (size_t s = 0; s < LANES; s++) {
      p[s] = base + (i + (s < count ? s : 0)) * stride;
      memcpy(st[s], IV256, sizeof IV256);
    }
    sha256_group(count, st, p, full);
    sha256_group(count, st, tp, pad_tails(tail, tp, p, full, len % 64, len));
    for (size_t s = 0; s < count; s++) {
      uint8_t *d = out + 32 * (i + s);
      for (int j = 0; j < 8; j++) {
        d[4 * j] = (uint8_t)(st[s][j] >> 24); d[4 * j + 1] = (uint8_t)(st[s][j] >> 16);
        d[4 * j + 2] = (uint8_t)(st[s][j] >> 8); d[4 * j + 3] = (uint8_t)st[s][j];
      }
    }
  }
}

static napi_value js_sha256_chunks(napi_env env, napi_callback_info info) {
  size_t argc = 2, len, size;
  napi_value argv[2];
  uint8_t *data;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (engine == NONE) return fail(env, "sha1x8: this CPU has neither SHA-NI nor AVX2");
  if (argc < 2 || !bytes_arg(env, argv[0], &data, &len) || !size_arg(env, argv[1], &size) || size == 0)
    return fail(env, "sha256Chunks(data: Uint8Array, size: integer >= 1)");
  const size_t n = len / size, last = len % size, count = n + (last > 0);
  napi_value ab, out;
  void *raw;
  if (napi_create_arraybuffer(env, count * 32, &raw, &ab) != napi_ok) return NULL;
  sha256_same_len(data, size, n, size, (uint8_t *)raw);
  if (last > 0) sha256_same_len(data + n * size, size, 1, last, (uint8_t *)raw + n * 32);
  napi_create_typedarray(env, napi_uint8_array, count * 32, ab, 0, &out);
  return out;
}

#include "hash-files.h"

// ---- hashFiles: a layout's pieces and leaves, hashed by `threads` threads (hash-files.h). ----

#define HF_MAX_THREADS 64

typedef struct {
  hf_layout job;
  napi_deferred deferred;
  napi_ref refs[3]; // the JS memory written to: pieces, leaves, control
  int threads;
  napi_async_work work;
} hf_call;

static void hf_free(napi_env env, hf_call *c) {
  for (size_t i = 0; i < c->job.nsegs; i++) free(c->job.segs[i].path);
  free(c->job.segs);
  free(c->job.starts);
  for (int i = 0; i < 3; i++) if (c->refs[i]) napi_delete_reference(env, c->refs[i]);
  free(c);
}

static void *hf_thread_main(void *data) {
  hf_work((hf_layout *)data);
  return NULL;
}

// One work item on libuv's pool runs the layout with threads - 1 threads of its own: the
// pool's size (UV_THREADPOOL_SIZE, 4 by default, fixed at its first use) neither caps the
// threads nor is taken up by them, so the engine's file system calls keep their pool threads.
static void hf_execute(napi_env env, void *data) {
  (void)env;
  hf_call *c = (hf_call *)data;
  pthread_t extra[HF_MAX_THREADS];
  int started = 0;
  for (int i = 1; i < c->threads; i++) {
    if (pthread_create(&extra[started], NULL, hf_thread_main, &c->job) != 0) break; // fewer threads, same result
    started++;
  }
  hf_work(&c->job);
  for (int i = 0; i < started; i++) pthread_join(extra[i], NULL);
}

static void hf_complete(napi_env env, napi_status status, void *data) {
  hf_call *c = (hf_call *)data;
  if (status != napi_ok) hf_fail(&c->job, "hashFiles", "cancelled", 0);
  napi_value v;
  if (c->job.failed) {
    napi_value msg, no;
    napi_create_string_utf8(env, c->job.err, NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &v);
    napi_create_int32(env, c->job.err_errno, &no);
    napi_set_named_property(env, v, "errno", no); // JS names it (util.getSystemErrorName)
    napi_reject_deferred(env, c->deferred, v);
  } else {
    napi_get_undefined(env, &v);
    napi_resolve_deferred(env, c->deferred, v);
  }
  napi_delete_async_work(env, c->work);
  hf_free(env, c);
}

static int typed_arg(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  bool is;
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  return napi_is_typedarray(env, v, &is) == napi_ok && is && napi_get_typedarray_info(env, v, &type, len, data, &ab, &off) == napi_ok && type == want;
}

// hashFiles(paths: Array<string | null>, segs: Float64Array [pos, len, avail, strict, leaves] per
//           path, pieceLength, pieces: Uint8Array(20 per piece, or empty for none),
//           leaves: Uint8Array(32 per leaf of the segments that ask), control: Int32Array(2),
//           threads) -> Promise<void>
static napi_value js_hash_files(napi_env env, napi_callback_info info) {
  size_t argc = 7, nums_len, sha1_len, leaves_len, control_len, pl, threads;
  napi_value argv[7];
  uint32_t npaths;
  bool is_array;
  void *nums_raw, *sha1_raw, *leaves_raw, *control_raw;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (engine == NONE) return fail(env, "sha1x8: this CPU has neither SHA-NI nor AVX2");
  if (argc < 7 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[0], &npaths) != napi_ok ||
      !typed_arg(env, argv[1], napi_float64_array, &nums_raw, &nums_len) || nums_len != (size_t)npaths * 5 || npaths == 0 ||
      !size_arg(env, argv[2], &pl) || pl == 0 || !typed_arg(env, argv[3], napi_uint8_array, &sha1_raw, &sha1_len) ||
      !typed_arg(env, argv[4], napi_uint8_array, &leaves_raw, &leaves_len) ||
      !typed_arg(env, argv[5], napi_int32_array, &control_raw, &control_len) || control_len < 2 ||
      !size_arg(env, argv[6], &threads) || threads < 1 || threads > HF_MAX_THREADS)
    return fail(env, "hashFiles(paths: (string | null)[], segs: Float64Array(5 per path), pieceLength >= 1, pieces: Uint8Array, leaves: Uint8Array, control: Int32Array(2), threads: 1-64)");
  const double *nums = (const double *)nums_raw;
  hf_call *c = calloc(1, sizeof *c);
  if (!c) return fail(env, "hashFiles: out of memory");
  hf_layout *j = &c->job;
  j->segs = calloc(npaths, sizeof *j->segs);
  j->starts = calloc(npaths, sizeof *j->starts);
  j->nsegs = npaths;
  j->pl = pl;
  j->control = (int32_t *)control_raw;
  const char *bad = j->segs && j->starts ? NULL : "hashFiles: out of memory";
  uint64_t nleaves = 0;
  for (uint32_t i = 0; i < npaths && !bad; i++) {
    hf_seg *g = &j->segs[i];
    for (int k = 0; k < 3; k++) {
      const double d = nums[5 * i + k];
      if (!(d >= 0) || d > 9007199254740991.0 || d != (double)(uint64_t)d) bad = "hashFiles: segment numbers must be safe integers >= 0";
    }
    if (bad) break;
    g->pos = (uint64_t)nums[5 * i]; g->len = (uint64_t)nums[5 * i + 1]; g->avail = (uint64_t)nums[5 * i + 2];
    g->strict = nums[5 * i + 3] != 0;
    g->leaves = nums[5 * i + 4] != 0;
    g->leaf_at = nleaves;
    if (g->leaves) nleaves += (g->len + HF_LEAF - 1) / HF_LEAF;
    j->starts[i] = j->total;
    j->total += g->len;
    if (j->total > (1ull << 52)) { bad = "hashFiles: the layout is larger than 2^52 bytes"; break; }
    napi_value p;
    napi_valuetype t;
    size_t plen;
    if (napi_get_element(env, argv[0], i, &p) != napi_ok || napi_typeof(env, p, &t) != napi_ok) { bad = "hashFiles: bad path"; break; }
    if (t == napi_null) continue;
    if (t != napi_string || napi_get_value_string_utf8(env, p, NULL, 0, &plen) != napi_ok) { bad = "hashFiles: a path must be a string or null"; break; }
    if (!(g->path = malloc(plen + 1))) { bad = "hashFiles: out of memory"; break; }
    napi_get_value_string_utf8(env, p, g->path, plen + 1, &plen);
    if (strlen(g->path) != plen) bad = "hashFiles: a path contains NUL";
  }
  j->pieces = bad ? 0 : (j->total + pl - 1) / pl;
  if (!bad && j->total == 0) bad = "hashFiles: the layout is empty";
  if (!bad && sha1_len != 0 && sha1_len != j->pieces * 20) bad = "hashFiles: pieces must hold 20 bytes per piece (or none)";
  if (!bad && leaves_len != nleaves * 32) bad = "hashFiles: leaves must hold 32 bytes per leaf";
  if (!bad && sha1_len == 0 && nleaves == 0) bad = "hashFiles: nothing to hash";
  if (!bad && nleaves > 0 && pl % HF_LEAF != 0) bad = "hashFiles: leaves need a piece length that is a multiple of 16 KiB";
  for (uint32_t i = 0; i < npaths && !bad; i++) {
    if (j->segs[i].leaves && j->starts[i] % HF_LEAF != 0) bad = "hashFiles: a segment with leaves must start on a 16 KiB boundary";
  }
  j->sha1 = sha1_len ? (uint8_t *)sha1_raw : NULL;
  j->leaves = (uint8_t *)leaves_raw;
  for (int i = 0; i < 3 && !bad; i++) {
    if (napi_create_reference(env, argv[3 + i], 1, &c->refs[i]) != napi_ok) bad = "hashFiles: could not hold the buffers";
  }
  if (bad) { hf_free(env, c); return fail(env, bad); }
  napi_value promise, name;
  napi_create_promise(env, &c->deferred, &promise);
  napi_create_string_utf8(env, "tessera.hashFiles", NAPI_AUTO_LENGTH, &name);
  // No more threads than groups of eight pieces.
  const uint64_t groups = (j->pieces + LANES - 1) / LANES;
  c->threads = (int)(threads < groups ? threads : groups);
  if (napi_create_async_work(env, NULL, name, hf_execute, hf_complete, c, &c->work) != napi_ok || napi_queue_async_work(env, c->work) != napi_ok) {
    // The promise is dropped unsettled with its job; the caller gets this exception instead.
    hf_free(env, c);
    return fail(env, "hashFiles: could not queue the work");
  }
  return promise;
}

// statFiles(paths): what verify asks of every file of a torrent before hashing, for a batch of
// paths in one call. Node's statSync costs ~7 µs a file here (its JS wrapper and a Stats object)
// against ~2.6 µs for the stat itself.
static napi_value js_stat_files(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], ab, out;
  uint32_t n;
  bool is_array;
  double *sizes;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[0], &n) != napi_ok)
    return fail(env, "statFiles(paths: string[])");
  if (napi_create_arraybuffer(env, (size_t)n * sizeof(double), (void **)&sizes, &ab) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, n, ab, 0, &out) != napi_ok)
    return fail(env, "statFiles: out of memory");
  char small[1024];
  for (uint32_t i = 0; i < n; i++) {
    napi_value p;
    napi_valuetype t;
    size_t len;
    if (napi_get_element(env, argv[0], i, &p) != napi_ok || napi_typeof(env, p, &t) != napi_ok || t != napi_string ||
        napi_get_value_string_utf8(env, p, NULL, 0, &len) != napi_ok)
      return fail(env, "statFiles: a path must be a string");
    char *path = len < sizeof small ? small : malloc(len + 1);
    if (!path) return fail(env, "statFiles: out of memory");
    napi_get_value_string_utf8(env, p, path, len + 1, &len);
    struct stat st;
    // stat follows links, as statSync does; a path with a NUL names no file.
    sizes[i] = strlen(path) == len && stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (double)st.st_size : -1;
    if (path != small) free(path);
  }
  return out;
}

static napi_value js_engine(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_string_utf8(env, engine_name(engine), NAPI_AUTO_LENGTH, &v);
  return v;
}

static napi_value js_use_engine(napi_env env, napi_callback_info info) {
  size_t argc = 1, len;
  napi_value argv[1], result;
  char name[16] = {0};
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int ok = 0;
  if (argc == 1 && napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) == napi_ok) {
    for (enum engine e = AVX2_X8; e <= SHA_NI_X4; e++) {
      if (strcmp(name, engine_name(e)) == 0 && can_run(e)) { engine = e; ok = 1; }
    }
  }
  napi_get_boolean(env, ok, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value v;
  napi_value list;
  napi_create_array(env, &list);
  uint32_t n = 0;
  if (engine == NONE) engine = can_run(SHA_NI_X4) ? SHA_NI_X4 : can_run(AVX2_X8) ? AVX2_X8 : NONE;
  for (enum engine e = SHA_NI_X4; e >= AVX2_X8; e--) {
    if (!can_run(e)) continue;
    napi_create_string_utf8(env, engine_name(e), NAPI_AUTO_LENGTH, &v);
    napi_set_element(env, list, n++, v);
  }
  napi_set_named_property(env, exports, "engines", list);
  napi_get_boolean(env, engine != NONE, &v);
  napi_set_named_property(env, exports, "available", v);
  napi_create_int32(env, ABI, &v);
  napi_set_named_property(env, exports, "abi", v);
  napi_property_descriptor fns[] = {
    {"init", NULL, js_init, NULL, NULL, NULL, napi_enumerable, NULL},
    {"update", NULL, js_update, NULL, NULL, NULL, napi_enumerable, NULL},
    {"final", NULL, js_final, NULL, NULL, NULL, napi_enumerable, NULL},
    {"engine", NULL, js_engine, NULL, NULL, NULL, napi_enumerable, NULL},
    {"useEngine", NULL, js_use_engine, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sha256Chunks", NULL, js_sha256_chunks, NULL, NULL, NULL, napi_enumerable, NULL},
    {"hashFiles", NULL, js_hash_files, NULL, NULL, NULL, napi_enumerable, NULL},
    {"statFiles", NULL, js_stat_files, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 8, fns);
  return exports;
}
