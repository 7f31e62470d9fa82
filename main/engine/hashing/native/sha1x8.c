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
//   abi                the interface version worker-source.ts expects
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
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#define ABI 2
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

static napi_value js_init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint8_t *state;
  size_t len;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || !bytes_arg(env, argv[0], &state, &len) || len != STATE_BYTES) return fail(env, "init(state: Uint8Array(160))");
  for (int j = 0; j < 5; j++) for (int i = 0; i < LANES; i++) memcpy(state + 32 * j + 4 * i, &IV[j], 4);
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

static napi_value js_final(napi_env env, napi_callback_info info) {
  size_t argc = 5, len, total;
  napi_value argv[5];
  uint8_t *state;
  const uint8_t *p[LANES];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (engine == NONE) return fail(env, "sha1x8: this CPU has neither SHA-NI nor AVX2");
  if (argc < 5 || !lanes_arg(env, argv, &state, p, &len) || !size_arg(env, argv[4], &total) || total < len || total > (SIZE_MAX >> 3))
    return fail(env, "final(state, data, stride, len, total): eight lanes of len bytes, stride apart, inside data; total >= len");
  const size_t full = len / 64;
  compress(state, p, full);
  uint8_t tail[LANES][128];
  const uint8_t *tp[LANES];
  compress(state, tp, pad_tails(tail, tp, p, full, len % 64, total));
  napi_value ab, out;
  void *raw;
  if (napi_create_arraybuffer(env, LANES * 20, &raw, &ab) != napi_ok) return NULL;
  uint8_t *d = (uint8_t *)raw;
  for (int i = 0; i < LANES; i++) {
    for (int j = 0; j < 5; j++) {
      uint32_t x;
      memcpy(&x, state + 32 * j + 4 * i, 4);
      d[i * 20 + 4 * j] = (uint8_t)(x >> 24); d[i * 20 + 4 * j + 1] = (uint8_t)(x >> 16);
      d[i * 20 + 4 * j + 2] = (uint8_t)(x >> 8); d[i * 20 + 4 * j + 3] = (uint8_t)x;
    }
  }
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
  };
  napi_define_properties(env, exports, 6, fns);
  return exports;
}
