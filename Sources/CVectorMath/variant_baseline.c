/* Baseline x86-64 (SSE2) variant. */
#define FSVM_W 16
#define FSVM_SUFFIX base
#define FSVM_TARGET
#include "kernels_body.h"
