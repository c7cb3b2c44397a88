/* fp32 ↔ bf16 conversions (portable; round to nearest even). */
#include "CBF16Kernels.h"
#include "internal.h"

void fsbf16_from_f32(const float *src, uint16_t *dst, size_t count) {
    for (size_t i = 0; i < count; i++) dst[i] = fsbf16_round(src[i]);
}

void fsbf16_to_f32(const uint16_t *src, float *dst, size_t count) {
    for (size_t i = 0; i < count; i++) {
        uint32_t u = (uint32_t)src[i] << 16;
        __builtin_memcpy(&dst[i], &u, 4);
    }
}
