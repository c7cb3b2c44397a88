/* AVX-512 (F + DQ) variant (only called when cpuid reports them and the OS saves the ZMM state). */
#if defined(__x86_64__)
#define FSVM_W 16
#define FSVM_SUFFIX avx512
#define FSVM_TARGET __attribute__((target("avx512f,avx512dq,avx2,fma")))
#include "kernels_body.h"
#endif
