// 2-D convolution (groups = 1) as im2col + sgemm, tiled over output rows so scratch stays bounded.
//
// Work items are (image, tile of output rows). When there are at least as many items as cores they run
// in parallel, each worker with its own im2col scratch and GEMMs that are not split (BLAS.withSingleThread);
// otherwise items run one after another with a parallel im2col and a GEMM that BLAS.sgemm splits over the
// cores (OpenBLAS itself is always single-threaded; BLAS.swift).

/// Total im2col scratch budget (bytes) shared by all workers: a 3×3 conv on [16,320,80,128] stays far
/// below the ~256 MB limit.
nonisolated(unsafe) var conv2dScratchBudget = 96 << 20

/// x [N,C,H,W], weight [O,C,kh,kw] → [N,O,H',W']. groups = 1. im2col tiled (bounded scratch).
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> Tensor {
    conv2d(x, weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation))
}

public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) -> Tensor {
    conv2d(x, weight: ConvWeight(weight, precision: .fp32), bias: bias, stride: stride, padding: padding, dilation: dilation)
}

/// The same with a weight held in its compute precision (bf16: the im2col columns are converted to bf16 per
/// GEMM block, fp32 accumulation and output).
public func conv2d(_ x: Tensor, weight: ConvWeight, bias: Tensor?, stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> Tensor {
    conv2d(x, weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation))
}

public func conv2d(_ x: Tensor, weight: ConvWeight, bias: Tensor?, stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) -> Tensor {
    precondition(x.rank == 4 && weight.shape.count == 4 && x.shape[1] == weight.shape[1],
                 "conv2d: input \(x.shape) does not match weight \(weight.shape)")
    precondition(stride.0 >= 1 && stride.1 >= 1 && dilation.0 >= 1 && dilation.1 >= 1 && padding.0 >= 0 && padding.1 >= 0,
                 "conv2d: bad stride/padding/dilation")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
    let denseWeight = weight.dense?.data ?? []
    let (sh, sw) = stride, (ph, pw) = padding, (dh, dw) = dilation
    let oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1
    let ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1
    precondition(oh > 0 && ow > 0, "conv2d: kernel larger than padded input \(x.shape) / \(weight.shape)")
    if let bias { precondition(bias.count == o, "conv2d: bias \(bias.shape) for \(o) outputs") }
    let kk = c * kh * kw
    let plane = oh * ow
    let pointwise = kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0

    // Tile height: as many output rows as the per-worker share of the scratch budget allows.
    let workers = ParallelFor.threadCount
    let rowsPerTile = pointwise ? oh : Swift.max(1, Swift.min(oh, conv2dScratchBudget / workers / Swift.max(1, kk * ow * 4)))
    let tiles = (oh + rowsPerTile - 1) / rowsPerTile
    let items = n * tiles

    return Tensor(shape: [n, o, oh, ow]) { out in
        x.data.withUnsafeBufferPointer { px in
            denseWeight.withUnsafeBufferPointer { pwt in
                let po = out.baseAddress!
                let biasData = bias?.data
                // One work item: GEMM (with im2col unless pointwise) + bias for a tile of output rows.
                func runItem(_ item: Int, scratch: UnsafeMutablePointer<Float>?, parallelIm2col: Bool) {
                    let img = item / tiles, tile = item % tiles
                    let oy0 = tile * rowsPerTile, oy1 = Swift.min(oh, oy0 + rowsPerTile)
                    let cols = (oy1 - oy0) * ow
                    let src = px.baseAddress! + img * c * h * w
                    let dst = po + img * o * plane + oy0 * ow
                    if pointwise {
                        weight.multiply(n: cols, b: src + oy0 * ow, ldb: h * w, c: dst, ldc: plane, densePointer: pwt.baseAddress)
                    } else {
                        let col = scratch!
                        let fill: (Range<Int>) -> Void = { rows in
                            im2colRows(src: src, c: c, h: h, w: w, kh: kh, kw: kw, sh: sh, sw: sw, ph: ph, pw: pw,
                                       dh: dh, dw: dw, ow: ow, oy0: oy0, oy1: oy1, rows: rows, col: col)
                        }
                        if parallelIm2col { ParallelFor.run(kk, minChunk: 8, fill) } else { fill(0..<kk) }
                        // GEMM into a compact tile (ldc = cols), then copy out with the bias: writing C
                        // straight into the output with ldc = H'·W' (often a multiple of 4 KB) thrashes
                        // cache sets.
                        let ctile = col + kk * rowsPerTile * ow
                        weight.multiply(n: cols, b: col, ldb: cols, c: ctile, ldc: cols, densePointer: pwt.baseAddress)
                        for oc in 0..<o {
                            let b = biasData?[oc] ?? 0
                            let s = ctile + oc * cols, d = dst + oc * plane
                            for j in 0..<cols { d[j] = s[j] + b }
                        }
                        return
                    }
                    if let biasData {
                        for oc in 0..<o {
                            let b = biasData[oc]
                            let row = dst + oc * plane
                            for j in 0..<cols { row[j] += b }
                        }
                    }
                }
                let scratchCount = pointwise ? 0 : (kk + o) * rowsPerTile * ow
                if items >= workers && workers > 1 {
                    BLAS.withSingleThread {
                        ParallelFor.run(items) { range in
                            let scratch = scratchCount > 0 ? UnsafeMutablePointer<Float>.allocate(capacity: scratchCount) : nil
                            defer { scratch?.deallocate() }
                            for item in range { runItem(item, scratch: scratch, parallelIm2col: false) }
                        }
                    }
                } else {
                    let scratch = scratchCount > 0 ? UnsafeMutablePointer<Float>.allocate(capacity: scratchCount) : nil
                    defer { scratch?.deallocate() }
                    for item in 0..<items { runItem(item, scratch: scratch, parallelIm2col: true) }
                }
            }
        }
    }
}

/// Fills im2col rows `rows` (each row = one (channel, ky, kx) tap of `src [c, h, w]`) for output rows
/// oy0..<oy1 of a conv with stride (sh, sw), leading padding (ph, pw) and dilation (dh, dw); the trailing
/// padding only shows in the output width `ow`. Layout: col[r·ldCol + (oy − oy0)·ow + ox] (ldCol defaults to
/// (oy1 − oy0)·ow), zero where the tap falls into the padding.
@inline(__always)
public func im2colRows(src: UnsafePointer<Float>, c: Int, h: Int, w: Int, kh: Int, kw: Int, sh: Int, sw: Int,
                       ph: Int, pw: Int, dh: Int, dw: Int, ow: Int, oy0: Int, oy1: Int, rows: Range<Int>,
                       col: UnsafeMutablePointer<Float>, ldCol: Int? = nil) {
    let cols = ldCol ?? (oy1 - oy0) * ow
    for r in rows {
        let ch = r / (kh * kw), ky = (r / kw) % kh, kx = r % kw
        let plane = src + ch * h * w
        let dstRow = col + r * cols
        let xoff = kx * dw - pw
        // Valid output columns: 0 ≤ ox·sw + xoff < w.
        let oxLo = xoff >= 0 ? 0 : Swift.min(ow, (-xoff + sw - 1) / sw)
        let oxHi = Swift.max(oxLo, Swift.min(ow, w - xoff <= 0 ? 0 : (w - xoff - 1) / sw + 1))
        for oy in oy0..<oy1 {
            let iy = oy * sh + ky * dh - ph
            let d = dstRow + (oy - oy0) * ow
            if iy < 0 || iy >= h { d.initialize(repeating: 0, count: ow); continue }
            let s = plane + iy * w + xoff
            if oxLo > 0 { d.initialize(repeating: 0, count: oxLo) }
            if sw == 1 {
                (d + oxLo).initialize(from: s + oxLo, count: oxHi - oxLo)
            } else {
                for ox in oxLo..<oxHi { d[ox] = s[ox * sw] }
            }
            if oxHi < ow { (d + oxHi).initialize(repeating: 0, count: ow - oxHi) }
        }
    }
}
