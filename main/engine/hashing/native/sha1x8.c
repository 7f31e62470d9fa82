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
#define AVX2 __attribute__((target("avx2")))

AVX2 static inline __m256i rotl(__m256i x, int n) {
  return _mm256_or_si256(_mm256_slli_epi32(x, n), _mm256_srli_epi32(x, 32 - n));
}

AVX2 static inline __m256i bswap32(__m256i x) {
  const __m256i m = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
                                     3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  return _mm256_shuffle_epi8(x, m);
}

// Rows r[i] = eight words of lane i -> r[j] = word j of every lane.
AVX2 static inline void transpose8(__m256i r[8]) {
  __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
  __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
  __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
  __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
  __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
  __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
  __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
  __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
  r[0] = _mm256_permute2x128_si256(u0, u4, 0x20); r[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
  r[1] = _mm256_permute2x128_si256(u1, u5, 0x20); r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
  r[2] = _mm256_permute2x128_si256(u2, u6, 0x20); r[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
  r[3] = _mm256_permute2x128_si256(u3, u7, 0x20); r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

// FIPS 180-4 SHA-1 compression of `blocks` 64-byte blocks per lane; p[i] is lane i's data. The
// state holds word j of lane i at state + 32*j + 4*i (one AVX2 register per word).
AVX2 static void compress_avx2(uint8_t *state, const uint8_t *p[LANES], size_t blocks) {
  __m256i s[5];
  for (int j = 0; j < 5; j++) s[j] = _mm256_loadu_si256((const __m256i *)(state + 32 * j));
  const __m256i k0 = _mm256_set1_epi32(0x5A827999), k1 = _mm256_set1_epi32(0x6ED9EBA1);
  const __m256i k2 = _mm256_set1_epi32((int)0x8F1BBCDC), k3 = _mm256_set1_epi32((int)0xCA62C1D6);
  for (size_t k = 0; k < blocks; k++) {
    __m256i w[16], r[8];
    for (int half = 0; half < 2; half++) {
      for (int i = 0; i < LANES; i++) r[i] = _mm256_loadu_si256((const __m256i *)(p[i] + k * 64 + half * 32));
      transpose8(r);
      for (int i = 0; i < 8; i++) w[half * 8 + i] = bswap32(r[i]);
    }
    __m256i a = s[0], b = s[1], c = s[2], d = s[3], e = s[4];
#define W(t) w[(t) & 15]
#define NEXT_W(t) (W(t) = rotl(_mm256_xor_si256(_mm256_xor_si256(W((t) - 3), W((t) - 8)), _mm256_xor_si256(W((t) - 14), W((t) - 16))), 1))
#define ROUND(t, f, kk)                                                                                 \
  do {                                                                                                  \
    __m256i wt = (t) < 16 ? W(t) : NEXT_W(t);                                                           \
    __m256i tmp = _mm256_add_epi32(_mm256_add_epi32(rotl(a, 5), (f)), _mm256_add_epi32(_mm256_add_epi32(e, wt), (kk))); \
    e = d; d = c; c = rotl(b, 30); b = a; a = tmp;                                                      \
  } while (0)
    for (int t = 0; t < 20; t++) ROUND(t, _mm256_xor_si256(d, _mm256_and_si256(b, _mm256_xor_si256(c, d))), k0);
    for (int t = 20; t < 40; t++) ROUND(t, _mm256_xor_si256(b, _mm256_xor_si256(c, d)), k1);
    for (int t = 40; t < 60; t++) ROUND(t, _mm256_or_si256(_mm256_and_si256(b, c), _mm256_and_si256(d, _mm256_or_si256(b, c))), k2);
    for (int t = 60; t < 80; t++) ROUND(t, _mm256_xor_si256(b, _mm256_xor_si256(c, d)), k3);
#undef ROUND
#undef NEXT_W
#undef W
    s[0] = _mm256_add_epi32(s[0], a); s[1] = _mm256_add_epi32(s[1], b); s[2] = _mm256_add_epi32(s[2], c);
    s[3] = _mm256_add_epi32(s[3], d); s[4] = _mm256_add_epi32(s[4], e);
  }
  for (int j = 0; j < 5; j++) _mm256_storeu_si256((__m256i *)(state + 32 * j), s[j]);
}
#define SHANI __attribute__((target("sha,sse4.1,ssse3")))
#define NI 4

// Four messages through the SHA-NI rounds, interleaved (Intel's single-stream sequence, as in
// its SHA extensions white paper, run on four independent states at once).
SHANI static void compress_ni4(uint32_t st[NI][5], const uint8_t *p[NI], size_t blocks) {
  const __m128i mask = _mm_set_epi64x(0x0001020304050607ULL, 0x08090a0b0c0d0e0fULL);
  __m128i abcd[NI], e0[NI], e1[NI], m[NI][4], abcd_save[NI], e_save[NI];
  for (int s = 0; s < NI; s++) {
    abcd[s] = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)st[s]), 0x1B);
    e0[s] = _mm_set_epi32((int)st[s][4], 0, 0, 0);
  }
  for (size_t k = 0; k < blocks; k++) {
    for (int s = 0; s < NI; s++) {
      abcd_save[s] = abcd[s];
      e_save[s] = e0[s];
      for (int q = 0; q < 4; q++) m[s][q] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p[s] + k * 64 + 16 * q)), mask);
    }
    for (int s = 0; s < NI; s++) { // rounds 0-3
      e0[s] = _mm_add_epi32(e0[s], m[s][0]); e1[s] = abcd[s]; abcd[s] = _mm_sha1rnds4_epu32(abcd[s], e0[s], 0);
    }
    for (int s = 0; s < NI; s++) { // rounds 4-7
      e1[s] = _mm_sha1nexte_epu32(e1[s], m[s][1]); e0[s] = abcd[s]; abcd[s] = _mm_sha1rnds4_epu32(abcd[s], e1[s], 0);
      m[s][0] = _mm_sha1msg1_epu32(m[s][0], m[s][1]);
    }
    for (int s = 0; s < NI; s++) { // rounds 8-11
      e0[s] = _mm_sha1nexte_epu32(e0[s], m[s][2]); e1[s] = abcd[s]; abcd[s] = _mm_sha1rnds4_epu32(abcd[s], e0[s], 0);
      m[s][1] = _mm_sha1msg1_epu32(m[s][1], m[s][2]); m[s][0] = _mm_xor_si128(m[s][0], m[s][2]);
    }
    // Rounds 12-79, four at a time: group g uses message word group g%4; the schedule updates
    // stop where the reference's do (no msg1 after g 16, no xor after 17, no msg2 after 18).
#define GROUP(g, f)                                                                                        \
    for (int s = 0; s < NI; s++) {                                                                         \
      __m128i *cur = &m[s][(g) & 3];                                                                       \
      if ((g) & 1) { e1[s] = _mm_sha1nexte_epu32(e1[s], *cur); e0[s] = abcd[s]; }                          \
      else { e0[s] = _mm_sha1nexte_epu32(e0[s], *cur); e1[s] = abcd[s]; }                                  \
      if ((g) < 19) m[s][((g) + 1) & 3] = _mm_sha1msg2_epu32(m[s][((g) + 1) & 3], *cur);                  \
      abcd[s] = _mm_sha1rnds4_epu32(abcd[s], ((g) & 1) ? e1[s] : e0[s], f);                                \
      if ((g) < 17) m[s][((g) + 3) & 3] = _mm_sha1msg1_epu32(m[s][((g) + 3) & 3], *cur);                  \
      if ((g) < 18) m[s][((g) + 2) & 3] = _mm_xor_si128(m[s][((g) + 2) & 3], *cur);                       \
    }
    GROUP(3, 0) GROUP(4, 0) GROUP(5, 1) GROUP(6, 1) GROUP(7, 1) GROUP(8, 1) GROUP(9, 1)
    GROUP(10, 2) GROUP(11, 2) GROUP(12, 2) GROUP(13, 2) GROUP(14, 2)
    GROUP(15, 3) GROUP(16, 3) GROUP(17, 3) GROUP(18, 3) GROUP(19, 3)
#undef GROUP
    for (int s = 0; s < NI; s++) {
      e0[s] = _mm_sha1nexte_epu32(e0[s], e_save[s]);
      abcd[s] = _mm_add_epi32(abcd[s], abcd_save[s]);
    }
  }
  for (int s = 0; s < NI; s++) {
    _mm_storeu_si128((__m128i *)st[s], _mm_shuffle_epi32(abcd[s], 0x1B));
    st[s][4] = (uint32_t)_mm_extract_epi32(e0[s], 3);
  }
}

// SHA-256 of four messages, interleaved like the SHA-1 streams above (the single-stream sequence
// of Intel's SHA extensions white paper; BEP 52's 16 KiB merkle leaves and 64-byte inner nodes are
// many independent messages). st[s] is stream s's a..h. Round group g (rounds 4g..4g+3) adds the
// constants to message group g%4; the schedule runs msg2 for g in 3..14 and msg1 for g in 1..12.
static const uint32_t K256[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

SHANI static void sha256_ni4(uint32_t st[NI][8], const uint8_t *p[NI], size_t blocks) {
  const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i s0[NI], s1[NI], m[NI][4], save0[NI], save1[NI];
  for (int s = 0; s < NI; s++) {
    __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[s][0]), 0xB1); // CDAB
    __m128i u = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[s][4]), 0x1B); // EFGH
    s0[s] = _mm_alignr_epi8(t, u, 8);    // ABEF
    s1[s] = _mm_blend_epi16(u, t, 0xF0); // CDGH
  }
  for (size_t k = 0; k < blocks; k++) {
    for (int s = 0; s < NI; s++) {
      save0[s] = s0[s];
      save1[s] = s1[s];
      for (int q = 0; q < 4; q++) m[s][q] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p[s] + k * 64 + 16 * q)), mask);
    }
#pragma GCC unroll 16
    for (int g = 0; g < 16; g++) {
      const __m128i kk = _mm_loadu_si128((const __m128i *)&K256[4 * g]);
      for (int s = 0; s < NI; s++) {
        __m128i msg = _mm_add_epi32(m[s][g & 3], kk);
        s1[s] = _mm_sha256rnds2_epu32(s1[s], s0[s], msg);
        if (g >= 3 && g <= 14) {
          __m128i t = _mm_alignr_epi8(m[s][g & 3], m[s][(g - 1) & 3], 4);
          m[s][(g + 1) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(m[s][(g + 1) & 3], t), m[s][g & 3]);
        }
        s0[s] = _mm_sha256rnds2_epu32(s0[s], s1[s], _mm_shuffle_epi32(msg, 0x0E));
        if (g >= 1 && g <= 12) m[s][(g - 1) & 3] = _mm_sha256msg1_epu32(m[s][(g - 1) & 3], m[s][g & 3]);
      }
    }
    for (int s = 0; s < NI; s++) {
      s0[s] = _mm_add_epi32(s0[s], save0[s]);
      s1[s] = _mm_add_epi32(s1[s], save1[s]);
    }
  }
  for (int s = 0; s < NI; s++) {
    __m128i t = _mm_shuffle_epi32(s0[s], 0x1B); // FEBA
    __m128i u = _mm_shuffle_epi32(s1[s], 0xB1); // DCHG
    _mm_storeu_si128((__m128i *)&st[s][0], _mm_blend_epi16(t, u, 0xF0)); // DCBA
    _mm_storeu_si128((__m128i *)&st[s][4], _mm_alignr_epi8(u, t, 8));    // HGFE
  }
}

// SHA-256 in eight AVX2 lanes, for CPUs without SHA-NI (FIPS 180-4, one message per 32-bit lane,
// as compress_avx2 does SHA-1). st[i] is lane i's a..h.
AVX2 static inline __m256i rotr(__m256i x, int n) {
  return _mm256_or_si256(_mm256_srli_epi32(x, n), _mm256_slli_epi32(x, 32 - n));
}

AVX2 static void sha256_avx2(uint32_t st[LANES][8], const uint8_t *p[LANES], size_t blocks) {
  __m256i s[8];
  for (int j = 0; j < 8; j++) s[j] = _mm256_setr_epi32((int)st[0][j], (int)st[1][j], (int)st[2][j], (int)st[3][j], (int)st[4][j], (int)st[5][j], (int)st[6][j], (int)st[7][j]);
  for (size_t k = 0; k < blocks; k++) {
    __m256i w[16], r[8];
    for (int half = 0; half < 2; half++) {
      for (int i = 0; i < LANES; i++) r[i] = _mm256_loadu_si256((const __m256i *)(p[i] + k * 64 + half * 32));
      transpose8(r);
      for (int i = 0; i < 8; i++) w[half * 8 + i] = bswap32(r[i]);
    }
    __m256i a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (int t = 0; t < 64; t++) {
      __m256i wt;
      if (t < 16) wt = w[t];
      else {
        __m256i w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
        __m256i s0 = _mm256_xor_si256(_mm256_xor_si256(rotr(w15, 7), rotr(w15, 18)), _mm256_srli_epi32(w15, 3));
        __m256i s1 = _mm256_xor_si256(_mm256_xor_si256(rotr(w2, 17), rotr(w2, 19)), _mm256_srli_epi32(w2, 10));
        wt = w[t & 15] = _mm256_add_epi32(_mm256_add_epi32(w[t & 15], s0), _mm256_add_epi32(w[(t - 7) & 15], s1));
      }
      __m256i S1 = _mm256_xor_si256(_mm256_xor_si256(rotr(e, 6), rotr(e, 11)), rotr(e, 25));
      __m256i ch = _mm256_xor_si256(g, _mm256_and_si256(e, _mm256_xor_si256(f, g)));
      __m256i t1 = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(h, S1), _mm256_add_epi32(ch, wt)), _mm256_set1_epi32((int)K256[t]));
      __m256i S0 = _mm256_xor_si256(_mm256_xor_si256(rotr(a, 2), rotr(a, 13)), rotr(a, 22));
      __m256i maj = _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)));
      __m256i t2 = _mm256_add_epi32(S0, maj);
      h = g; g = f; f = e; e = _mm256_add_epi32(d, t1); d = c; c = b; b = a; a = _mm256_add_epi32(t1, t2);
    }
    s[0] = _mm256_add_epi32(s[0], a); s[1] = _mm256_add_epi32(s[1], b); s[2] = _mm256_add_epi32(s[2], c); s[3] = _mm256_add_epi32(s[3], d);
    s[4] = _mm256_add_epi32(s[4], e); s[5] = _mm256_add_epi32(s[5], f); s[6] = _mm256_add_epi32(s[6], g); s[7] = _mm256_add_epi32(s[7], h);
  }
  for (int j = 0; j < 8; j++) {
    uint32_t v[8];
    _mm256_storeu_si256((__m256i *)v, s[j]);
    for (int i = 0; i < LANES; i++) st[i][j] = v[i];
  }
}

// The eight lanes as two groups of four, the state converted from and back to the AVX2 layout.
static void compress_sha_ni(uint8_t *state, const uint8_t *p[LANES], size_t blocks) {
  for (int g = 0; g < LANES; g += NI) {
    uint32_t st[NI][5];
    for (int s = 0; s < NI; s++) for (int j = 0; j < 5; j++) memcpy(&st[s][j], state + 32 * j + 4 * (g + s), 4);
    compress_ni4(st, p + g, blocks);
    for (int s = 0; s < NI; s++) for (int j = 0; j < 5; j++) memcpy(state + 32 * j + 4 * (g + s), &st[s][j], 4);
  }
}

static int has_sha_ni(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  if (!(b & (1u << 29))) return 0; // SHA
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  return (c & (1u << 19)) && (c & (1u << 9)); // SSE4.1, SSSE3
}
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

static napi_value js_final(napi_env env, napi_callback_info info) {
  size_t argc = 5, len, total;
  napi_value argv[5];
  uint8_t *state;
  const uint8_t *p[LANES];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (engine == NONE) return fail(env, "sha1x8: this CPU has neither SHA-NI nor AVX2");
  if (argc < 5 || !lanes_arg(env, argv, &state, p, &len) || !size_arg(env, argv[4], &total) || total < len || total > (SIZE_MAX >> 3))
    return fail(env, "final(state, data, stride, len, total): eight lanes of len bytes, stride apart, inside data; total >= len");
  size_t full = len / 64, rem = len % 64, tail_blocks = rem < 56 ? 1 : 2;
  compress(state, p, full);
  uint8_t tail[LANES][128];
  const uint8_t *tp[LANES];
  uint64_t bits = (uint64_t)total * 8;
  for (int i = 0; i < LANES; i++) {
    memset(tail[i], 0, sizeof tail[i]);
    memcpy(tail[i], p[i] + full * 64, rem);
    tail[i][rem] = 0x80;
    for (int b = 0; b < 8; b++) tail[i][tail_blocks * 64 - 1 - b] = (uint8_t)(bits >> (8 * b));
    tp[i] = tail[i];
  }
  compress(state, tp, tail_blocks);
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
  const size_t full = len / 64, rem = len % 64, tail_blocks = rem < 56 ? 1 : 2;
  const uint64_t bits = (uint64_t)len * 8;
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
    for (int s = 0; s < LANES; s++) {
      memset(tail[s], 0, sizeof tail[s]);
      memcpy(tail[s], p[s] + full * 64, rem);
      tail[s][rem] = 0x80;
      for (int b = 0; b < 8; b++) tail[s][tail_blocks * 64 - 1 - b] = (uint8_t)(bits >> (8 * b));
      tp[s] = tail[s];
    }
    sha256_group(count, st, tp, tail_blocks);
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
