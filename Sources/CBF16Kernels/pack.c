/* Packing into bf16 panels (portable path; layout in CBF16Kernels.h). */
#include "CBF16Kernels.h"
#include "internal.h"

void fsbf16_pack_block(const float *x, long ld, int trans, long rows, long k, long p0, long p1, int R,
                       uint32_t *dst) {
    long np = p1 - p0;
    long panels = (rows + R - 1) / R;
    for (long q = 0; q < panels; q++) {
        uint32_t *panel = dst + q * np * R;
        for (int r = 0; r < R; r++) {
            long row = q * R + r;
            uint32_t *d = panel + r;
            if (row >= rows) {
                for (long p = 0; p < np; p++) d[p * R] = 0;
                continue;
            }
            for (long p = p0; p < p1; p++) {
                long kk = 2 * p;
                float lo, hi;
                if (trans) {
                    lo = x[kk * ld + row];
                    hi = kk + 1 < k ? x[(kk + 1) * ld + row] : 0.0f;
                } else {
                    lo = x[row * ld + kk];
                    hi = kk + 1 < k ? x[row * ld + kk + 1] : 0.0f;
                }
                d[(p - p0) * R] = fsbf16_pair(lo, hi);
            }
        }
    }
}

size_t fsbf16_packed_count(long rows, long k, int panel) {
    long panels = (rows + panel - 1) / panel;
    return (size_t)(panels * panel) * (size_t)((k + 1) / 2) * 2;
}

static void pack_full(const float *x, long ld, int trans, long rows, long k, int R, uint16_t *dst) {
    long kp = (k + 1) / 2;
    if (fsbf16_cpu_has_avx512bf16())
        fsbf16_pack_block_avx512(x, ld, trans, rows, k, 0, kp, R, (uint32_t *)dst);
    else
        fsbf16_pack_block(x, ld, trans, rows, k, 0, kp, R, (uint32_t *)dst);
}

void fsbf16_pack_a(const float *a, long lda, int trans, long m, long k, uint16_t *dst) {
    pack_full(a, lda, trans, m, k, FSBF16_MR, dst);
}

void fsbf16_pack_b(const float *b, long ldb, int trans, long k, long n, uint16_t *dst) {
    /* Rows of the packed operand are B's columns: column j, element kk = trans ? b[j·ldb+kk] : b[kk·ldb+j]. */
    pack_full(b, ldb, !trans, n, k, FSBF16_NR, dst);
}
