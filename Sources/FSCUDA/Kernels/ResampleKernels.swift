/// Resize with torch's F.interpolate semantics (align_corners=False; nearest = torch's legacy floor rule;
/// bilinear clamps negative source coordinates to 0; bicubic A = −0.75 with clamped edge taps), and the
/// separable Gaussian blur (zero padding) FreeScale uses.
enum ResampleKernels {
    static let entryPoints = ["fs_resize_nearest", "fs_resize_bilinear", "fs_resize_bicubic", "fs_blur_axis"]

    static let source = #"""
__device__ __forceinline__ float cubic_near(float x) { const float a = -0.75f; return ((a + 2.0f) * x - (a + 3.0f)) * x * x + 1.0f; }
__device__ __forceinline__ float cubic_far(float x) { const float a = -0.75f; return ((a * x - 5.0f * a) * x + 8.0f * a) * x - 4.0f * a; }

/// x [planes, h, w] → y [planes, oh, ow].
extern "C" __global__ void fs_resize_nearest(const float *x, float *y, i64 planes, int h, int w, int oh, int ow) {
    float sy = (float)h / (float)oh, sx = (float)w / (float)ow;
    GRID_STRIDE(i, planes * oh * ow) {
        int ox = (int)(i % ow), oy = (int)((i / ow) % oh);
        i64 p = i / ((i64)oh * ow);
        int iy = min((int)floorf((float)oy * sy), h - 1), ix = min((int)floorf((float)ox * sx), w - 1);
        y[i] = x[(p * h + iy) * w + ix];
    }
}

__device__ __forceinline__ void linear_taps(int o, float scale, int n, int *i0, int *i1, float *l1) {
    float src = fmaxf(scale * ((float)o + 0.5f) - 0.5f, 0.0f);
    *i0 = min((int)src, n - 1);
    *i1 = *i0 < n - 1 ? *i0 + 1 : *i0;
    *l1 = src - (float)*i0;
}

extern "C" __global__ void fs_resize_bilinear(const float *x, float *y, i64 planes, int h, int w, int oh, int ow) {
    float sy = (float)h / (float)oh, sx = (float)w / (float)ow;
    GRID_STRIDE(i, planes * oh * ow) {
        int ox = (int)(i % ow), oy = (int)((i / ow) % oh);
        i64 p = i / ((i64)oh * ow);
        int y0, y1, x0, x1; float ly, lx;
        linear_taps(oy, sy, h, &y0, &y1, &ly);
        linear_taps(ox, sx, w, &x0, &x1, &lx);
        const float *s = x + p * h * w;
        float top = (1.0f - lx) * s[(i64)y0 * w + x0] + lx * s[(i64)y0 * w + x1];
        float bot = (1.0f - lx) * s[(i64)y1 * w + x0] + lx * s[(i64)y1 * w + x1];
        y[i] = (1.0f - ly) * top + ly * bot;
    }
}

__device__ __forceinline__ void cubic_taps(int o, float scale, int n, int idx[4], float wt[4]) {
    float src = scale * ((float)o + 0.5f) - 0.5f;   // no clamp for cubic, as torch
    float fl = floorf(src), t = src - fl;
    int i0 = (int)fl;
    for (int j = 0; j < 4; j++) idx[j] = min(max(i0 + j - 1, 0), n - 1);
    wt[0] = cubic_far(t + 1.0f); wt[1] = cubic_near(t); wt[2] = cubic_near(1.0f - t); wt[3] = cubic_far(2.0f - t);
}

extern "C" __global__ void fs_resize_bicubic(const float *x, float *y, i64 planes, int h, int w, int oh, int ow) {
    float sy = (float)h / (float)oh, sx = (float)w / (float)ow;
    GRID_STRIDE(i, planes * oh * ow) {
        int ox = (int)(i % ow), oy = (int)((i / ow) % oh);
        i64 p = i / ((i64)oh * ow);
        int iy[4], ix[4]; float wy[4], wx[4];
        cubic_taps(oy, sy, h, iy, wy);
        cubic_taps(ox, sx, w, ix, wx);
        const float *s = x + p * h * w;
        float acc = 0.0f;
        for (int a = 0; a < 4; a++) {
            float row = 0.0f;
            for (int b = 0; b < 4; b++) row += wx[b] * s[(i64)iy[a] * w + ix[b]];
            acc += wy[a] * row;
        }
        y[i] = acc;
    }
}

/// Correlation with `taps` (odd count, centred) along one axis of x viewed as [outer, len, inner], zero padding.
extern "C" __global__ void fs_blur_axis(const float *x, float *y, const float *taps, int count,
                                        i64 outer, i64 len, i64 inner) {
    int half = count / 2;
    GRID_STRIDE(i, outer * len * inner) {
        i64 j = i % inner, r = (i / inner) % len, o = i / (inner * len);
        float acc = 0.0f;
        for (int t = 0; t < count; t++) {
            i64 s = r + t - half;
            if (s < 0 || s >= len) continue;
            acc += taps[t] * x[(o * len + s) * inner + j];
        }
        y[i] = acc;
    }
}
"""#
}
