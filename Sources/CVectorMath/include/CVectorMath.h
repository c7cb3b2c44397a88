#ifndef FSVIDEO_CVECTORMATH_H
#define FSVIDEO_CVECTORMATH_H
/* Hot element-wise kernels (exp, softmax rows, SiLU, GELU, GEGLU, block sums) compiled three times —
 * baseline x86-64, AVX2+FMA, AVX-512 — and dispatched at run time on cpuid. Same algorithms and
 * constants as FSTensor/FastMath.swift (16 lanes); the wider ISAs may fuse multiply-adds. */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 0 = baseline, 1 = AVX2+FMA, 2 = AVX-512 (F+DQ): the best this CPU supports. */
int fsvm_best_level(void);
/* The level in use (the best unless overridden). */
int fsvm_level(void);
/* Forces a level (clamped to what the CPU supports); −1 = back to the best. Tests compare all levels. */
void fsvm_set_level(int level);

void fsvm_silu(const float *x, float *out, long n);
void fsvm_gelu(const float *x, float *out, long n);
/* One GEGLU row: out[j] = src[j] · GELU(src[inner + j]), j < inner. */
void fsvm_geglu_row(const float *src, float *out, long inner);
/* row[j] = exp(row[j] − shift) in place for j < n; returns the sum. */
float fsvm_exp_shift_sum(float *row, long n, float shift);
/* max of row[0..<n] (−∞ for n = 0). */
float fsvm_row_max(const float *row, long n);
/* Σ (p[i] − mean) (squared when `squared`), 16-lane float partial sums flushed to double every 4096. */
double fsvm_block_sum(const float *p, long n, float mean, int squared);

#ifdef __cplusplus
}
#endif
#endif
