/// Fused scaled-dot-product attention, flash-attention style: a block takes ATT_BQ queries of one
/// (batch, head); key/value tiles of ATT_BK rows are staged in shared memory; each thread keeps its query,
/// its running max m, sum l and output accumulator (fp32) in registers and updates them online, so no
/// N×M score matrix exists. Inputs fp32 or bf16 (a template parameter); output fp32.
/// Instantiated for the head widths the models use; `fs_attention_<type>_d<D>` handles head width ≤ D
/// (q/k/v rows are read with the true width `d`, padded with zeros to D).
enum AttentionKernels {
    static let headWidths = [32, 40, 64, 80, 128]
    static let entryPoints = headWidths.flatMap { ["fs_attention_f32_d\($0)", "fs_attention_bf16_d\($0)"] }
    static let queriesPerBlock = 64

    static func keysPerTile(_ width: Int) -> Int { width <= 64 ? 64 : 32 }

    static var source: String {
        var s = #"""
#define ATT_BQ 64

/// q [B, N, heads·d] (row stride ldq), k [B, M, heads·d] (ldk), v [B, M, heads·dv] (ldv) → o [B, N, heads·dv] (ldo).
template <typename T, int D, int BK>
__device__ void attention_tile(const T *q, const T *k, const T *v, float *o,
                               int n, int m, int heads, int d, int dv,
                               int ldq, int ldk, int ldv, int ldo, float scale) {
    __shared__ float ks[BK][D];
    __shared__ float vs[BK][D];
    int bh = blockIdx.x, b = bh / heads, h = bh % heads;   // x: up to 2³¹ − 1 (batch·heads can be large)
    int qi = blockIdx.y * ATT_BQ + threadIdx.x;
    bool active = qi < n;
    float qr[D], acc[D];
    #pragma unroll
    for (int j = 0; j < D; j++) {
        qr[j] = (active && j < d) ? load_f(q, ((i64)b * n + qi) * ldq + (i64)h * d + j) * scale : 0.0f;
        acc[j] = 0.0f;
    }
    float mx = -INFINITY, l = 0.0f;
    for (int k0 = 0; k0 < m; k0 += BK) {
        int tk = min(BK, m - k0);
        __syncthreads();
        for (int e = threadIdx.x; e < BK * D; e += blockDim.x) {
            int r = e / D, j = e % D;
            bool in = r < tk;
            i64 row = (i64)b * m + k0 + r;
            ks[r][j] = (in && j < d) ? load_f(k, row * ldk + (i64)h * d + j) : 0.0f;
            vs[r][j] = (in && j < dv) ? load_f(v, row * ldv + (i64)h * dv + j) : 0.0f;
        }
        __syncthreads();
        if (!active) continue;
        for (int r = 0; r < tk; r++) {
            float s = 0.0f;
            #pragma unroll
            for (int j = 0; j < D; j++) s += qr[j] * ks[r][j];
            if (s > mx) {
                float c = expf(mx - s);   // exp(−∞) = 0 on the first key
                l *= c;
                #pragma unroll
                for (int j = 0; j < D; j++) acc[j] *= c;
                mx = s;
            }
            float p = expf(s - mx);
            l += p;
            #pragma unroll
            for (int j = 0; j < D; j++) acc[j] += p * vs[r][j];
        }
    }
    if (!active) return;
    float inv = l > 0.0f ? 1.0f / l : 0.0f;
    for (int j = 0; j < dv; j++) o[((i64)b * n + qi) * ldo + (i64)h * dv + j] = acc[j] * inv;
}

"""#
        for width in headWidths {
            for (name, type) in [("f32", "float"), ("bf16", "bf16_t")] {
                s += """
                extern "C" __global__ void __launch_bounds__(ATT_BQ) fs_attention_\(name)_d\(width)(
                    const \(type) *q, const \(type) *k, const \(type) *v, float *o, int n, int m, int heads, int d, int dv,
                    int ldq, int ldk, int ldv, int ldo, float scale) {
                    attention_tile<\(type), \(width), \(keysPerTile(width))>(q, k, v, o, n, m, heads, d, dv, ldq, ldk, ldv, ldo, scale);
                }

                """
            }
        }
        return s
    }
}
