/* bf16 GEMM driver: GotoBLAS-style blocking (NC columns × KC pairs of B, MC rows of A), fp32 operands
 * packed block by block into small buffers, pre-packed operands read in place. */
#include "CBF16Kernels.h"
#include "internal.h"
#include <stdlib.h>

#define KCP 1024 /* k pairs per block (2048 k): long micro-kernel runs; B micro-panels stream from L2 */
#define MC 96     /* rows of A per block (384 KB) */
#define NC 256    /* columns of B per block (1 MB); sizes tuned on Zen 4: 2048³ at 87% of the vdpbf16ps peak */

void fsbf16_gemm(long m, long n, long k, float alpha, fsbf16_operand a, fsbf16_operand b, float beta,
                 float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
        return;
    }
    int hw = fsbf16_cpu_has_avx512bf16();
    fsbf16_kernel_fn kernel = hw ? fsbf16_kernel_avx512 : fsbf16_kernel_portable;
    void (*pack)(const float *, long, int, long, long, long, long, int, uint32_t *) =
        hw ? fsbf16_pack_block_avx512 : fsbf16_pack_block;
    long kpTot = (k + 1) / 2;
    long kcMax = kpTot < KCP ? kpTot : KCP;
    long mcMax = m < MC ? (m + FSBF16_MR - 1) / FSBF16_MR * FSBF16_MR : MC;
    long ncMax = n < NC ? (n + FSBF16_NR - 1) / FSBF16_NR * FSBF16_NR : NC;
    uint32_t *abuf = a.packed ? NULL : aligned_alloc(64, (size_t)(mcMax * kcMax * 4 + 64) / 64 * 64);
    uint32_t *bbuf = b.packed ? NULL : aligned_alloc(64, (size_t)(ncMax * kcMax * 4 + 64) / 64 * 64);
    /* A pre-packed B needs no L2 block: take all columns at once, so an fp32 A is packed only once. */
    long ncBlock = b.packed ? n : NC;
    for (long jc = 0; jc < n; jc += ncBlock) {
        long nc = n - jc < ncBlock ? n - jc : ncBlock;
        for (long pc = 0; pc < kpTot; pc += KCP) {
            long kc = kpTot - pc < KCP ? kpTot - pc : KCP;
            const uint32_t *bb;
            long bStride;
            if (b.packed) {
                bb = (const uint32_t *)b.packed + (jc / FSBF16_NR) * kpTot * FSBF16_NR + pc * FSBF16_NR;
                bStride = kpTot * FSBF16_NR;
            } else {
                if (b.trans) pack(b.f32 + jc * b.ld, b.ld, 0, nc, k, pc, pc + kc, FSBF16_NR, bbuf);
                else pack(b.f32 + jc, b.ld, 1, nc, k, pc, pc + kc, FSBF16_NR, bbuf);
                bb = bbuf;
                bStride = kc * FSBF16_NR;
            }
            for (long ic = 0; ic < m; ic += MC) {
                long mc = m - ic < MC ? m - ic : MC;
                const uint32_t *aa;
                long aStride;
                if (a.packed) {
                    aa = (const uint32_t *)a.packed + (ic / FSBF16_MR) * kpTot * FSBF16_MR + pc * FSBF16_MR;
                    aStride = kpTot * FSBF16_MR;
                } else {
                    if (a.trans) pack(a.f32 + ic, a.ld, 1, mc, k, pc, pc + kc, FSBF16_MR, abuf);
                    else pack(a.f32 + ic * a.ld, a.ld, 0, mc, k, pc, pc + kc, FSBF16_MR, abuf);
                    aa = abuf;
                    aStride = kc * FSBF16_MR;
                }
                for (long jr = 0; jr < nc; jr += FSBF16_NR) {
                    int nrem = nc - jr < FSBF16_NR ? (int)(nc - jr) : FSBF16_NR;
                    const uint32_t *bp = bb + (jr / FSBF16_NR) * bStride;
                    for (long ir = 0; ir < mc; ir += FSBF16_MR) {
                        int mrem = mc - ir < FSBF16_MR ? (int)(mc - ir) : FSBF16_MR;
                        kernel(kc, aa + (ir / FSBF16_MR) * aStride, bp, c + (ic + ir) * ldc + jc + jr, ldc, mrem,
                               nrem, alpha, beta, pc > 0);
                    }
                }
            }
        }
    }
    free(abuf);
    free(bbuf);
}
