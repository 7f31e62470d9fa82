// SHA-256 of several messages at once (included once, by sha1x8.c, inside its x86 section):
// four interleaved SHA-NI streams, or eight AVX2 lanes.

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
AVX2 static void sha256_avx2(uint32_t st[LANES][8], const uint8_t *p[LANES], size_t blocks) {
  __m256i s[8];
  for (int j = 0; j < 8; j++) s[j] = _mm256_setr_epi32((int)st[0][j], (int)st[1][j], (int)st[2][j], (int)st[3][j], (int)st[4][j], (int)st[5][j], (int)st[6][j], (int)st[7][j]);
  for (size_t k = 0; k < blocks; k++) {
    __m256i w[16];
    load_block8(w, p, k);
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
