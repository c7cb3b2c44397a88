/* AVX512-BF16 micro-kernel (MR×NR = 8×32, vdpbf16ps) and packing with hardware conversion.
 * Only these functions are compiled for the extension; callers dispatch on fsbf16_cpu_has_avx512bf16(). */
#include "CBF16Kernels.h"
#include "internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

#define NV (FSBF16_NR / 16)

TARGET void fsbf16_kernel_avx512(long kp, const uint32_t *a, const uint32_t *b, float *c, long ldc, int mrem,
                                 int nrem, float alpha, float beta, int accumulate) {
    __m512 acc[FSBF16_MR][NV];
    for (int r = 0; r < FSBF16_MR; r++)
        for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
    for (long p = 0; p < kp; p++) {
        __m512bh bv[NV];
        for (int v = 0; v < NV; v++) bv[v] = (__m512bh)_mm512_loadu_si512(b + p * FSBF16_NR + 16 * v);
        const uint32_t *ap = a + p * FSBF16_MR;
#pragma clang loop unroll(full)
        for (int r = 0; r < FSBF16_MR; r++) {
            __m512bh av = (__m512bh)_mm512_set1_epi32((int)ap[r]);
            for (int v = 0; v < NV; v++) acc[r][v] = _mm512_dpbf16_ps(acc[r][v], av, bv[v]);
        }
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int r = 0; r < mrem; r++) {
        float *cr = c + r * ldc;
        for (int v = 0; v < NV; v++) {
            int left = nrem - 16 * v;
            if (left <= 0) break;
            __mmask16 m = left >= 16 ? 0xffff : (__mmask16)((1u << left) - 1);
            __m512 x = _mm512_mul_ps(acc[r][v], va);
            if (accumulate) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, cr + 16 * v));
            else if (beta != 0.0f) x = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m, cr + 16 * v), x);
            _mm512_mask_storeu_ps(cr + 16 * v, m, x);
        }
    }
}

/* Sixteen pair words of one row: x[kk..kk+31] (count valid elements), zero beyond. */
TARGET static inline __m512i row_pairs(const float *s, long count) {
    __mmask16 l0 = count >= 16 ? 0xffff : count > 0 ? (__mmask16)((1u << count) - 1) : 0;
    long c1 = count - 16;
    __mmask16 l1 = c1 >= 16 ? 0xffff : c1 > 0 ? (__mmask16)((1u << c1) - 1) : 0;
    __m512 f0 = _mm512_maskz_loadu_ps(l0, s), f1 = _mm512_maskz_loadu_ps(l1, s + 16);
    return (__m512i)_mm512_cvtne2ps_pbh(f1, f0);
}

TARGET void fsbf16_pack_block_avx512(const float *x, long ld, int trans, long rows, long k, long p0, long p1,
                                     int R, uint32_t *dst) {
    long np = p1 - p0;
    long panels = (rows + R - 1) / R;
    if (trans) {
        /* element (row, kk) = x[kk·ld + row]: rows are contiguous in memory; interleave two k rows. */
        for (long q = 0; q < panels; q++) {
            uint32_t *panel = dst + q * np * R;
            for (long p = p0; p < p1; p++) {
                long kk = 2 * p;
                const float *s0 = x + kk * ld + q * R;
                const float *s1 = kk + 1 < k ? x + (kk + 1) * ld + q * R : NULL;
                uint32_t *d = panel + (p - p0) * R;
                for (int r0 = 0; r0 < R; r0 += 16) {
                    long valid = rows - (q * R + r0);
                    __mmask16 m = valid >= 16 ? 0xffff : valid > 0 ? (__mmask16)((1u << valid) - 1) : 0;
                    __m256i lo = (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, s0 + r0));
                    __m256i hi = s1 ? (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, s1 + r0))
                                    : _mm256_setzero_si256();
                    __m512i w = _mm512_or_si512(_mm512_cvtepu16_epi32(lo),
                                                _mm512_slli_epi32(_mm512_cvtepu16_epi32(hi), 16));
                    _mm512_storeu_si512(d + r0, w);
                }
            }
        }
        return;
    }
    /* element (row, kk) = x[row·ld + kk]: convert 32 k values of a row at once, store words with stride R. */
    for (long q = 0; q < panels; q++) {
        uint32_t *panel = dst + q * np * R;
        for (int r = 0; r < R; r++) {
            long row = q * R + r;
            uint32_t *d = panel + r;
            if (row >= rows) {
                for (long p = 0; p < np; p++) d[p * R] = 0;
                continue;
            }
            const float *s = x + row * ld;
            for (long p = p0; p < p1; p += 16) {
                long kk = 2 * p;
                long count = (2 * p1 < k ? 2 * p1 : k) - kk;
                uint32_t tmp[16];
                _mm512_storeu_si512(tmp, row_pairs(s + kk, count));
                long n = p1 - p < 16 ? p1 - p : 16;
                for (long i = 0; i < n; i++) d[(p - p0 + i) * R] = tmp[i];
            }
        }
    }
}
#else
void fsbf16_kernel_avx512(long kp, const uint32_t *a, const uint32_t *b, float *c, long ldc, int mrem,
                          int nrem, float alpha, float beta, int accumulate) {
    fsbf16_kernel_portable(kp, a, b, c, ldc, mrem, nrem, alpha, beta, accumulate);
}
void fsbf16_pack_block_avx512(const float *x, long ld, int trans, long rows, long k, long p0, long p1, int R,
                              uint32_t *dst) {
    fsbf16_pack_block(x, ld, trans, rows, k, p0, p1, R, dst);
}
#endif
