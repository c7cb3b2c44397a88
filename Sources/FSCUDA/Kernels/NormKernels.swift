/// GroupNorm, LayerNorm and softmax: one block per normalised group / row, fp32 statistics (two passes
/// over the data, mean then centred variance, as the CPU code computes them).
enum NormKernels {
    static let entryPoints = ["fs_group_norm", "fs_layer_norm", "fs_softmax"]

    static let source = #"""
/// x [N, C, rest]: block (item = n·groups + g) normalises its cpg·rest elements; weight/bias [C] or null.
extern "C" __global__ void fs_group_norm(const float *x, float *y, const float *weight, const float *bias,
                                         int groups, int channels, i64 rest, float eps) {
    __shared__ float scratch[32];
    i64 item = blockIdx.x;
    int g = (int)(item % groups);
    int cpg = channels / groups;
    i64 block = (i64)cpg * rest;
    const float *src = x + item * block;
    float *dst = y + item * block;
    float s = 0.0f;
    for (i64 i = threadIdx.x; i < block; i += blockDim.x) s += src[i];
    float mean = block_sum(s, scratch) / (float)block;
    float q = 0.0f;
    for (i64 i = threadIdx.x; i < block; i += blockDim.x) { float d = src[i] - mean; q += d * d; }
    float inv = rsqrtf(block_sum(q, scratch) / (float)block + eps);
    for (i64 i = threadIdx.x; i < block; i += blockDim.x) {
        int ch = g * cpg + (int)(i / rest);
        float a = inv * (weight ? weight[ch] : 1.0f);
        float b = (bias ? bias[ch] : 0.0f) - mean * a;
        dst[i] = src[i] * a + b;
    }
}

/// x [rows, d]: one block per row; weight/bias [d] or null.
extern "C" __global__ void fs_layer_norm(const float *x, float *y, const float *weight, const float *bias,
                                         int d, float eps) {
    __shared__ float scratch[32];
    const float *src = x + (i64)blockIdx.x * d;
    float *dst = y + (i64)blockIdx.x * d;
    float s = 0.0f;
    for (int i = threadIdx.x; i < d; i += blockDim.x) s += src[i];
    float mean = block_sum(s, scratch) / (float)d;
    float q = 0.0f;
    for (int i = threadIdx.x; i < d; i += blockDim.x) { float v = src[i] - mean; q += v * v; }
    float inv = rsqrtf(block_sum(q, scratch) / (float)d + eps);
    for (int i = threadIdx.x; i < d; i += blockDim.x) {
        dst[i] = (src[i] - mean) * inv * (weight ? weight[i] : 1.0f) + (bias ? bias[i] : 0.0f);
    }
}

/// Softmax over the last axis, x [rows, d]; a row of −∞ gives zeros-shifted exp like the CPU (max → 0).
extern "C" __global__ void fs_softmax(const float *x, float *y, int d) {
    __shared__ float scratch[32];
    const float *src = x + (i64)blockIdx.x * d;
    float *dst = y + (i64)blockIdx.x * d;
    float m = -INFINITY;
    for (int i = threadIdx.x; i < d; i += blockDim.x) m = fmaxf(m, src[i]);
    m = block_max(m, scratch);
    if (m == -INFINITY) m = 0.0f;
    float s = 0.0f;
    for (int i = threadIdx.x; i < d; i += blockDim.x) { float e = expf(src[i] - m); dst[i] = e; s += e; }
    float inv = 1.0f / block_sum(s, scratch);
    for (int i = threadIdx.x; i < d; i += blockDim.x) dst[i] *= inv;
}
"""#
}
