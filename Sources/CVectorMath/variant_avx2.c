/* AVX2 + FMA variant (only called when cpuid reports both). */
#if defined(__x86_64__)
#define FSVM_W 8
#define FSVM_SUFFIX avx2
#define FSVM_TARGET __attribute__((target("avx2,fma")))
#include "kernels_body.h"
#endif
