/* Run-time choice of the element-wise variant (cpuid via the compiler's __builtin_cpu_supports). */
#include "CVectorMath.h"

#define DECLARE(sfx)                                                                  \
    void fsvm_silu_##sfx(const float *, float *, long);                               \
    void fsvm_gelu_##sfx(const float *, float *, long);                               \
    void fsvm_geglu_row_##sfx(const float *, float *, long);                          \
    float fsvm_exp_shift_sum_##sfx(float *, long, float);                             \
    float fsvm_row_max_##sfx(const float *, long);                                    \
    double fsvm_block_sum_##sfx(const float *, long, float, int);
DECLARE(base)
#if defined(__x86_64__)
DECLARE(avx2)
DECLARE(avx512)
#endif

static int best = -1;
static volatile int forced = -1;

int fsvm_best_level(void) {
    if (best < 0) {
        int b = 0;
#if defined(__x86_64__)
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) b = 1;
        if (b == 1 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) b = 2;
#endif
        best = b;
    }
    return best;
}

int fsvm_level(void) {
    int b = fsvm_best_level();
    return forced >= 0 && forced < b ? forced : b;
}

void fsvm_set_level(int level) { forced = level; }

#if defined(__x86_64__)
#define DISPATCH(call_base, call_avx2, call_avx512)          \
    switch (fsvm_level()) {                                  \
    case 2: return call_avx512;                              \
    case 1: return call_avx2;                                \
    default: return call_base;                               \
    }
#else
#define DISPATCH(call_base, call_avx2, call_avx512) return call_base;
#endif

void fsvm_silu(const float *x, float *out, long n) {
    DISPATCH(fsvm_silu_base(x, out, n), fsvm_silu_avx2(x, out, n), fsvm_silu_avx512(x, out, n))
}
void fsvm_gelu(const float *x, float *out, long n) {
    DISPATCH(fsvm_gelu_base(x, out, n), fsvm_gelu_avx2(x, out, n), fsvm_gelu_avx512(x, out, n))
}
void fsvm_geglu_row(const float *src, float *out, long inner) {
    DISPATCH(fsvm_geglu_row_base(src, out, inner), fsvm_geglu_row_avx2(src, out, inner),
             fsvm_geglu_row_avx512(src, out, inner))
}
float fsvm_exp_shift_sum(float *row, long n, float shift) {
    DISPATCH(fsvm_exp_shift_sum_base(row, n, shift), fsvm_exp_shift_sum_avx2(row, n, shift),
             fsvm_exp_shift_sum_avx512(row, n, shift))
}
float fsvm_row_max(const float *row, long n) {
    DISPATCH(fsvm_row_max_base(row, n), fsvm_row_max_avx2(row, n), fsvm_row_max_avx512(row, n))
}
double fsvm_block_sum(const float *p, long n, float mean, int squared) {
    DISPATCH(fsvm_block_sum_base(p, n, mean, squared), fsvm_block_sum_avx2(p, n, mean, squared),
             fsvm_block_sum_avx512(p, n, mean, squared))
}
