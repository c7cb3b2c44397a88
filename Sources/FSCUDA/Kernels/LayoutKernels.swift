/// Data movement for the GEMM-based convolutions and FreeScale's windows: im2col (conv2d), the temporal
/// unfold (Conv3d (k,1,1)), window gather / scatter-add. Convolution operands are written as bf16 for cuBLASLt.
enum LayoutKernels {
    static let entryPoints = ["fs_im2col_bf16", "fs_temporal_unfold_bf16", "fs_gather_windows", "fs_scatter_add_windows"]

    static let source = #"""
/// x [images, C, H, W] → cols [images, C·kh·kw, OH·OW] (bf16), zero outside the image; taps `dil` apart.
extern "C" __global__ void fs_im2col_bf16(const float *x, bf16_t *cols, i64 images, int c, int h, int w,
                                          int kh, int kw, int stride, int pad, int dil, int oh, int ow) {
    i64 k = (i64)c * kh * kw, p = (i64)oh * ow;
    GRID_STRIDE(i, images * k * p) {
        i64 pos = i % p, row = (i / p) % k, img = i / (p * k);
        int ox = (int)(pos % ow), oy = (int)(pos / ow);
        int kx = (int)(row % kw), ky = (int)((row / kw) % kh), ch = (int)(row / ((i64)kh * kw));
        int iy = oy * stride - pad + ky * dil, ix = ox * stride - pad + kx * dil;
        float v = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[(((img * c) + ch) * h + iy) * w + ix] : 0.0f;
        cols[i] = float_to_bf16(v);
    }
}

/// x [N, C, T, HW] → u [N, T', C·k, HW] (bf16): u[n, to, c·k + t, :] = x[n, c, to + t − pad, :] or 0.
extern "C" __global__ void fs_temporal_unfold_bf16(const float *x, bf16_t *u, int n, int c, int t, int k,
                                                   int pad, int tOut, i64 hw) {
    GRID_STRIDE(i, (i64)n * tOut * c * k * hw) {
        i64 j = i % hw;
        i64 row = (i / hw) % ((i64)c * k);
        int to = (int)((i / (hw * c * k)) % tOut), b = (int)(i / (hw * c * k * tOut));
        int ch = (int)(row / k), tap = (int)(row % k);
        int ti = to + tap - pad;
        float v = (ti >= 0 && ti < t) ? x[(((i64)b * c + ch) * t + ti) * hw + j] : 0.0f;
        u[i] = float_to_bf16(v);
    }
}

/// x [B, h·w, C] → out [nWin·B, wh·ww, C] (window outer); tops/lefts per window; outside the grid = 0.
extern "C" __global__ void fs_gather_windows(const float *x, float *out, const int *tops, const int *lefts,
                                             int windows, int b, int h, int w, int wh, int ww, int c) {
    i64 n = (i64)wh * ww;
    GRID_STRIDE(i, (i64)windows * b * n * c) {
        int e = (int)(i % c);
        i64 tok = (i / c) % n, item = i / ((i64)c * n);
        int win = (int)(item / b), bi = (int)(item % b);
        int gy = tops[win] + (int)(tok / ww), gx = lefts[win] + (int)(tok % ww);
        out[i] = (gy >= 0 && gy < h && gx >= 0 && gx < w) ? x[(((i64)bi * h + gy) * w + gx) * c + e] : 0.0f;
    }
}

/// value [B, h·w, C] += y [nWin·B, wh·ww, C] at the windows' positions. One thread per (b, grid cell, channel)
/// walks the windows in order, so the sums are deterministic and in the CPU's order.
extern "C" __global__ void fs_scatter_add_windows(const float *y, float *value, const int *tops, const int *lefts,
                                                  int windows, int b, int h, int w, int wh, int ww, int c) {
    i64 n = (i64)wh * ww;
    GRID_STRIDE(i, (i64)b * h * w * c) {
        int e = (int)(i % c);
        i64 cell = (i / c) % ((i64)h * w);
        int bi = (int)(i / ((i64)c * h * w));
        int gy = (int)(cell / w), gx = (int)(cell % w);
        float acc = value[i];
        for (int win = 0; win < windows; win++) {
            int ly = gy - tops[win], lx = gx - lefts[win];
            if (ly < 0 || ly >= wh || lx < 0 || lx >= ww) continue;
            acc += y[(((i64)win * b + bi) * n + (i64)ly * ww + lx) * c + e];
        }
        value[i] = acc;
    }
}
"""#
}
