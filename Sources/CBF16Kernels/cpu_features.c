/* Runtime detection of AVX512-BF16 (cpuid leaf 7 subleaf 1 EAX bit 5) with OS state support (xgetbv). */
#include "CBF16Kernels.h"
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static int os_saves_zmm(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27))) return 0; /* OSXSAVE */
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    return (lo & 0xE6) == 0xE6; /* XMM, YMM, opmask, ZMM_Hi256, Hi16_ZMM */
}

static int detect_avx512bf16(void) {
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int f = (b >> 16) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    if (!(f && bw && vl)) return 0;
    __cpuid_count(7, 1, a, b, c, d);
    if (!((a >> 5) & 1)) return 0;
    return os_saves_zmm();
}

static int detect_amx_bf16(void) {
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (d >> 22) & 1;
}
#else
static int detect_avx512bf16(void) { return 0; }
static int detect_amx_bf16(void) { return 0; }
#endif

static int cached = -1;
static volatile int disabled_flag = 0;

int fsbf16_cpu_reports_avx512bf16(void) {
    if (cached < 0) cached = detect_avx512bf16();
    return cached;
}

int fsbf16_cpu_reports_amx_bf16(void) { return detect_amx_bf16(); }

static int env_checked = 0;

int fsbf16_cpu_has_avx512bf16(void) {
    if (!env_checked) {
        const char *e = getenv("FSVIDEO_NO_BF16"); /* FSVIDEO_NO_BF16=1: behave as a CPU without it */
        if (e && e[0] == '1') disabled_flag = 1;
        env_checked = 1;
    }
    return !disabled_flag && fsbf16_cpu_reports_avx512bf16();
}

void fsbf16_set_disabled(int disabled) {
    env_checked = 1;
    disabled_flag = disabled;
}
