#ifndef FSVIDEO_CBF16_KERNELS_H
#define FSVIDEO_CBF16_KERNELS_H
/* bf16 GEMM with fp32 accumulation (AVX512-BF16 micro-kernel, portable C fallback) and conversions.
 *
 * Packed operand layout (both roles): panels of R rows of A (R = FSBF16_MR) or R columns of B
 * (R = FSBF16_NR); inside a panel, for each k pair p, R 32-bit words, word r = (x[r][2p], x[r][2p+1])
 * as two bf16 (low half = even k). k is padded to an even count, rows/columns to a whole panel, with zeros.
 * A K-slice [2p0, 2p1) of a panel is the contiguous word range [p0·R, p1·R).
 */
#include <stddef.h>
#include <stdint.h>

#ifndef FSBF16_MR
#define FSBF16_MR 8
#endif
#ifndef FSBF16_NR
#define FSBF16_NR 32
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when the CPU and OS support AVX512F+BW+VL+BF16 (cpuid + xgetbv) and it is not disabled. */
int fsbf16_cpu_has_avx512bf16(void);
/* 1 when the hardware reports AVX512-BF16 (ignores the override). */
int fsbf16_cpu_reports_avx512bf16(void);
/* 1 when the hardware reports AMX-BF16. */
int fsbf16_cpu_reports_amx_bf16(void);
/* Disables (1) or re-enables (0) the AVX512-BF16 code paths (tests force the portable path with it). */
void fsbf16_set_disabled(int disabled);

/* fp32 → bf16, round to nearest even (NaN stays NaN). */
void fsbf16_from_f32(const float *src, uint16_t *dst, size_t count);
/* bf16 → fp32 (exact). */
void fsbf16_to_f32(const uint16_t *src, float *dst, size_t count);

/* Number of uint16 elements of a packed matrix with `rows` rows (padded to R) and k columns. */
size_t fsbf16_packed_count(long rows, long k, int panel);
/* Packs A (m×k; element (i,kk) = trans ? a[kk·lda+i] : a[i·lda+kk]) into panels of FSBF16_MR rows. */
void fsbf16_pack_a(const float *a, long lda, int trans, long m, long k, uint16_t *dst);
/* Packs B (k×n; element (kk,j) = trans ? b[j·ldb+kk] : b[kk·ldb+j]) into panels of FSBF16_NR columns. */
void fsbf16_pack_b(const float *b, long ldb, int trans, long k, long n, uint16_t *dst);

/* An operand: either fp32 (ptr, ld, trans; packed per block inside the call) or pre-packed bf16 panels
 * (packed != NULL; panel layout above, full k, starting at the operand's first row/column). */
typedef struct {
    const float *f32;
    long ld;
    int trans;
    const uint16_t *packed;
} fsbf16_operand;

/* Row-major C (m×n, row stride ldc) = alpha·A·B + beta·C, bf16 products accumulated in fp32.
 * Single-threaded; callers split m or n over threads (in multiples of MR / NR when an operand is
 * pre-packed). beta = 0 never reads C. */
void fsbf16_gemm(long m, long n, long k, float alpha, fsbf16_operand a, fsbf16_operand b, float beta,
                 float *c, long ldc);

#ifdef __cplusplus
}
#endif
#endif
