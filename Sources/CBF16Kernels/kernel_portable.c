/* Portable micro-kernel (any CPU): the same bf16 products as vdpbf16ps, accumulated in fp32. */
#include "CBF16Kernels.h"
#include "internal.h"

static inline float lo_of(uint32_t w) { uint32_t u = w << 16; float f; memcpy(&f, &u, 4); return f; }
static inline float hi_of(uint32_t w) { uint32_t u = w & 0xffff0000u; float f; memcpy(&f, &u, 4); return f; }

void fsbf16_kernel_portable(long kp, const uint32_t *a, const uint32_t *b, float *c, long ldc, int mrem,
                            int nrem, float alpha, float beta, int accumulate) {
    float acc[FSBF16_MR][FSBF16_NR];
    memset(acc, 0, sizeof acc);
    for (long p = 0; p < kp; p++) {
        const uint32_t *ap = a + p * FSBF16_MR, *bp = b + p * FSBF16_NR;
        for (int r = 0; r < FSBF16_MR; r++) {
            float a0 = lo_of(ap[r]), a1 = hi_of(ap[r]);
            for (int j = 0; j < FSBF16_NR; j++) acc[r][j] += a0 * lo_of(bp[j]) + a1 * hi_of(bp[j]);
        }
    }
    for (int r = 0; r < mrem; r++) {
        float *cr = c + r * ldc;
        for (int j = 0; j < nrem; j++) {
            float v = alpha * acc[r][j];
            if (accumulate) v += cr[j];
            else if (beta != 0.0f) v += beta * cr[j];
            cr[j] = v;
        }
    }
}
