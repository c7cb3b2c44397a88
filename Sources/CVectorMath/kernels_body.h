#pragma clang diagnostic ignored "-Wpsabi"
/* The kernels' bodies, written once with 16-lane vector extensions and included by each ISA's file
 * (compiled there with that ISA's target flags). FSVM_SUFFIX names the variant. */
#include <math.h>
#include <string.h>

#define FSVM_CAT2(a, b) a##_##b
#define FSVM_CAT(a, b) FSVM_CAT2(a, b)
#define FSVM_NAME(f) FSVM_CAT(f, FSVM_SUFFIX)

/* FSVM_W lanes (16 for baseline and AVX-512, 8 for AVX2: 64-byte vectors cannot pass between AVX2
 * functions without changing the ABI). The math is lane-wise, so only reduction orders differ. */
typedef float fsvm_v16 __attribute__((vector_size(FSVM_W * 4), aligned(4)));
typedef int fsvm_i16 __attribute__((vector_size(FSVM_W * 4), aligned(4)));

static inline __attribute__((always_inline)) FSVM_TARGET fsvm_v16 FSVM_NAME(splat)(float x) {
    fsvm_v16 z = {0};
    return z + x;
}
static inline __attribute__((always_inline)) FSVM_TARGET fsvm_v16 FSVM_NAME(sel)(fsvm_i16 m, fsvm_v16 a, fsvm_v16 b) {
    return (fsvm_v16)((m & (fsvm_i16)a) | (~m & (fsvm_i16)b));
}
static inline __attribute__((always_inline)) FSVM_TARGET fsvm_v16 FSVM_NAME(load)(const float *p) {
    fsvm_v16 v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline __attribute__((always_inline)) FSVM_TARGET void FSVM_NAME(store)(float *p, fsvm_v16 v) { memcpy(p, &v, sizeof v); }

/* Cephes-style exp (FastMath.swift fastExp). */
static inline __attribute__((always_inline)) FSVM_TARGET fsvm_v16 FSVM_NAME(vexp)(fsvm_v16 xin) {
    fsvm_v16 lo = FSVM_NAME(splat)(-87.33654f), hi = FSVM_NAME(splat)(88.37626f);
    fsvm_v16 x = FSVM_NAME(sel)(xin < lo, lo, xin);
    x = FSVM_NAME(sel)(x > hi, hi, x);
    fsvm_v16 magic = FSVM_NAME(splat)(12582912.0f);
    fsvm_v16 t = x * 1.44269504088896341f + magic;
    fsvm_v16 n = t - magic;
    fsvm_v16 r = x - n * 0.693359375f + n * 2.12194440e-4f;
    fsvm_v16 p = FSVM_NAME(splat)(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    fsvm_i16 ni = (fsvm_i16)t - 0x4B400000;
    fsvm_v16 pow2 = (fsvm_v16)((ni + 127) << 23);
    return FSVM_NAME(sel)(xin < lo, FSVM_NAME(splat)(0.0f), p * pow2);
}

/* Eigen/XLA float erf (FastMath.swift fastErf). */
static inline __attribute__((always_inline)) FSVM_TARGET fsvm_v16 FSVM_NAME(verf)(fsvm_v16 xin) {
    fsvm_v16 lo = FSVM_NAME(splat)(-4.0f), hi = FSVM_NAME(splat)(4.0f);
    fsvm_v16 x = FSVM_NAME(sel)(xin < lo, lo, xin);
    x = FSVM_NAME(sel)(x > hi, hi, x);
    fsvm_v16 x2 = x * x;
    fsvm_v16 p = FSVM_NAME(splat)(-2.72614225801306e-10f);
    p = p * x2 + 2.77068142495902e-08f;
    p = p * x2 - 2.10102402082508e-06f;
    p = p * x2 - 5.69250639462346e-05f;
    p = p * x2 - 7.34990630326855e-04f;
    p = p * x2 - 2.95459980854025e-03f;
    p = p * x2 - 1.60960333262415e-02f;
    p = p * x;
    fsvm_v16 q = FSVM_NAME(splat)(-1.45660718464996e-05f);
    q = q * x2 - 2.13374055278905e-04f;
    q = q * x2 - 1.68282697438203e-03f;
    q = q * x2 - 7.37332916720468e-03f;
    q = q * x2 - 1.42647390514189e-02f;
    return p / q;
}

static inline __attribute__((always_inline)) FSVM_TARGET fsvm_v16 FSVM_NAME(vsilu)(fsvm_v16 v) { return v / (1.0f + FSVM_NAME(vexp)(-v)); }
static inline __attribute__((always_inline)) FSVM_TARGET fsvm_v16 FSVM_NAME(vgelu)(fsvm_v16 v) {
    return 0.5f * v * (1.0f + FSVM_NAME(verf)(v * 0.70710678118654752f));
}

/* Padded tail: the last n < 16 elements through one vector (padding `fill`). */
static inline __attribute__((always_inline)) FSVM_TARGET fsvm_v16 FSVM_NAME(load_tail)(const float *p, long n, float fill) {
    float tmp[FSVM_W];
    for (int i = 0; i < FSVM_W; i++) tmp[i] = i < n ? p[i] : fill;
    return FSVM_NAME(load)(tmp);
}
static inline __attribute__((always_inline)) FSVM_TARGET void FSVM_NAME(store_tail)(float *p, long n, fsvm_v16 v) {
    float tmp[FSVM_W];
    FSVM_NAME(store)(tmp, v);
    for (long i = 0; i < n; i++) p[i] = tmp[i];
}

FSVM_TARGET void FSVM_NAME(fsvm_silu)(const float *x, float *out, long n) {
    long i = 0;
    for (; i + FSVM_W <= n; i += FSVM_W) FSVM_NAME(store)(out + i, FSVM_NAME(vsilu)(FSVM_NAME(load)(x + i)));
    if (i < n) FSVM_NAME(store_tail)(out + i, n - i, FSVM_NAME(vsilu)(FSVM_NAME(load_tail)(x + i, n - i, 0.0f)));
}

FSVM_TARGET void FSVM_NAME(fsvm_gelu)(const float *x, float *out, long n) {
    long i = 0;
    for (; i + FSVM_W <= n; i += FSVM_W) FSVM_NAME(store)(out + i, FSVM_NAME(vgelu)(FSVM_NAME(load)(x + i)));
    if (i < n) FSVM_NAME(store_tail)(out + i, n - i, FSVM_NAME(vgelu)(FSVM_NAME(load_tail)(x + i, n - i, 0.0f)));
}

FSVM_TARGET void FSVM_NAME(fsvm_geglu_row)(const float *src, float *out, long inner) {
    long j = 0;
    for (; j + FSVM_W <= inner; j += FSVM_W)
        FSVM_NAME(store)(out + j, FSVM_NAME(load)(src + j) * FSVM_NAME(vgelu)(FSVM_NAME(load)(src + inner + j)));
    if (j < inner) {
        long n = inner - j;
        FSVM_NAME(store_tail)(out + j, n, FSVM_NAME(load_tail)(src + j, n, 0.0f) *
                                              FSVM_NAME(vgelu)(FSVM_NAME(load_tail)(src + inner + j, n, 0.0f)));
    }
}

FSVM_TARGET float FSVM_NAME(fsvm_exp_shift_sum)(float *row, long n, float shift) {
    fsvm_v16 acc = FSVM_NAME(splat)(0.0f), s = FSVM_NAME(splat)(shift);
    long j = 0;
    for (; j + FSVM_W <= n; j += FSVM_W) {
        fsvm_v16 e = FSVM_NAME(vexp)(FSVM_NAME(load)(row + j) - s);
        FSVM_NAME(store)(row + j, e);
        acc += e;
    }
    float sum = 0;
    for (int i = 0; i < FSVM_W; i++) sum += acc[i];
    if (j < n) {
        fsvm_v16 e = FSVM_NAME(vexp)(FSVM_NAME(load_tail)(row + j, n - j, -INFINITY) - s);
        for (long i = 0; i < n - j; i++) { row[j + i] = e[i]; sum += e[i]; }
    }
    return sum;
}

FSVM_TARGET float FSVM_NAME(fsvm_row_max)(const float *row, long n) {
    fsvm_v16 acc = FSVM_NAME(splat)(-INFINITY);
    long j = 0;
    for (; j + FSVM_W <= n; j += FSVM_W) {
        fsvm_v16 v = FSVM_NAME(load)(row + j);
        acc = FSVM_NAME(sel)(v > acc, v, acc);
    }
    float m = -INFINITY;
    for (int i = 0; i < FSVM_W; i++) m = acc[i] > m ? acc[i] : m;
    for (; j < n; j++) m = row[j] > m ? row[j] : m;
    return m;
}

FSVM_TARGET double FSVM_NAME(fsvm_block_sum)(const float *p, long n, float mean, int squared) {
    fsvm_v16 m = FSVM_NAME(splat)(mean);
    double total = 0;
    long j = 0;
    while (j + FSVM_W <= n) {
        fsvm_v16 acc = FSVM_NAME(splat)(0.0f);
        long end = j + 4096 < n ? j + 4096 : n;
        for (; j + FSVM_W <= end; j += FSVM_W) {
            fsvm_v16 v = FSVM_NAME(load)(p + j) - m;
            acc += squared ? v * v : v;
        }
        for (int i = 0; i < FSVM_W; i++) total += (double)acc[i];
    }
    for (; j < n; j++) {
        double d = (double)(p[j] - mean);
        total += squared ? d * d : d;
    }
    return total;
}
