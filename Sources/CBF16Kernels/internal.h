#ifndef FSVIDEO_CBF16_INTERNAL_H
#define FSVIDEO_CBF16_INTERNAL_H
#include <stdint.h>
#include <string.h>

/* fp32 → bf16, round to nearest even; NaN → quiet NaN. */
static inline uint16_t fsbf16_round(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

static inline uint32_t fsbf16_pair(float lo, float hi) {
    return (uint32_t)fsbf16_round(lo) | ((uint32_t)fsbf16_round(hi) << 16);
}

/* Packs rows [0, rows) × k-pairs [p0, p1) of x (element (r, kk) = trans ? x[kk·ld+r] : x[r·ld+kk], k total)
 * into `dst` as one block of panels of R words per pair, (p1 − p0) pairs per panel. */
void fsbf16_pack_block(const float *x, long ld, int trans, long rows, long k, long p0, long p1, int R,
                       uint32_t *dst);
void fsbf16_pack_block_avx512(const float *x, long ld, int trans, long rows, long k, long p0, long p1, int R,
                              uint32_t *dst);

typedef void (*fsbf16_kernel_fn)(long kp, const uint32_t *a, const uint32_t *b, float *c, long ldc,
                                 int mrem, int nrem, float alpha, float beta, int accumulate);
void fsbf16_kernel_portable(long kp, const uint32_t *a, const uint32_t *b, float *c, long ldc, int mrem,
                            int nrem, float alpha, float beta, int accumulate);
void fsbf16_kernel_avx512(long kp, const uint32_t *a, const uint32_t *b, float *c, long ldc, int mrem,
                          int nrem, float alpha, float beta, int accumulate);
#endif
