// SHA-1 of eight messages at once (included once, by sha1x8.c, inside its x86 section): eight
// AVX2 lanes, or two quartets of interleaved SHA-NI streams. Why both: see sha1x8.c.

// FIPS 180-4 SHA-1 compression of `blocks` 64-byte blocks per lane; p[i] is lane i's data. The
// state holds word j of lane i at state + 32*j + 4*i (one AVX2 register per word).
AVX2 static void compress_avx2(uint8_t *state, const uint8_t *p[LANES], size_t blocks) {
  __m256i s[5];
  for (int j = 0; j < 5; j++) s[j] = _mm256_loadu_si256((const __m256i *)(state + 32 * j));
  const __m256i k0 = _mm256_set1_epi32(0x5A827999), k1 = _mm256_set1_epi32(0x6ED9EBA1);
  const __m256i k2 = _mm256_set1_epi32((int)0x8F1BBCDC), k3 = _mm256_set1_epi32((int)0xCA62C1D6);
  for (size_t k = 0; k < blocks; k++) {
    __m256i w[16];
    load_block8(w, p, k);
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

// The eight lanes as two groups of four, the state converted from and back to the AVX2 layout.
static void compress_sha_ni(uint8_t *state, const uint8_t *p[LANES], size_t blocks) {
  for (int g = 0; g < LANES; g += NI) {
    uint32_t st[NI][5];
    for (int s = 0; s < NI; s++) for (int j = 0; j < 5; j++) memcpy(&st[s][j], state + 32 * j + 4 * (g + s), 4);
    compress_ni4(st, p + g, blocks);
    for (int s = 0; s < NI; s++) for (int j = 0; j < 5; j++) memcpy(state + 32 * j + 4 * (g + s), &st[s][j], 4);
  }
}
