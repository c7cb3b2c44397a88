import Foundation

// Resizing of the last two axes, reproducing torch F.interpolate(size=…, align_corners=False) without
// antialias. Separable: the width pass runs first, then the height pass (torch's bilinear and bicubic
// kernels also interpolate along x within each row before combining rows). Coordinates are computed in
// Float like torch's float kernels.

public enum ResizeMode: String, Sendable { case nearest, bilinear, bicubic }

/// Nearest-neighbour ×2 upsampling of the last two axes.
public func upsampleNearest2x(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 2, "upsampleNearest2x: needs rank ≥ 2, got \(x.shape)")
    let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
    let planes = x.count / Swift.max(h * w, 1)
    var outShape = x.shape; outShape[x.rank - 2] = 2 * h; outShape[x.rank - 1] = 2 * w
    return Tensor(shape: outShape) { out in
        x.data.withUnsafeBufferPointer { px in
            ParallelFor.run(planes * h, minChunk: Swift.max(1, 16384 / Swift.max(w, 1))) { r in
                for row in r {
                    let p = row / h, y = row % h
                    let s = px.baseAddress! + row * w
                    let d0 = out.baseAddress! + (p * 2 * h + 2 * y) * 2 * w
                    for j in 0..<w { d0[2 * j] = s[j]; d0[2 * j + 1] = s[j] }
                    (d0 + 2 * w).initialize(from: d0, count: 2 * w)
                }
            }
        }
    }
}

/// Interpolation taps for one axis: for output i, `taps` source indices and weights.
struct ResampleTable {
    var taps: Int
    var index: [Int]
    var weight: [Float]

    init(input: Int, output: Int, mode: ResizeMode) {
        let scale = Float(input) / Float(output)
        switch mode {
        case .nearest:
            // torch legacy 'nearest': src = floor(dst · in/out), clamped to in − 1.
            taps = 1
            index = (0..<output).map { Swift.min(Int(floorf(Float($0) * scale)), input - 1) }
            weight = [Float](repeating: 1, count: output)
        case .bilinear:
            taps = 2
            index = []; weight = []
            for i in 0..<output {
                // torch clamps negative source coordinates to 0 for linear modes.
                let src = Swift.max(scale * (Float(i) + 0.5) - 0.5, 0)
                let i0 = Swift.min(Int(src), input - 1)
                let i1 = i0 < input - 1 ? i0 + 1 : i0
                let l1 = src - Float(i0)
                index += [i0, i1]; weight += [1 - l1, l1]
            }
        case .bicubic:
            taps = 4
            index = []; weight = []
            let a: Float = -0.75
            func near(_ x: Float) -> Float { ((a + 2) * x - (a + 3)) * x * x + 1 }
            func far(_ x: Float) -> Float { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
            for i in 0..<output {
                let src = scale * (Float(i) + 0.5) - 0.5   // no clamp for cubic (as torch)
                let fl = floorf(src)
                let t = src - fl
                let i0 = Int(fl)
                for j in -1...2 { index.append(Swift.min(Swift.max(i0 + j, 0), input - 1)) }  // edge taps clamped
                weight += [far(t + 1), near(t), near(1 - t), far(2 - t)]
            }
        }
    }
}

/// Resize of the last two axes of x [..., H, W] like torch F.interpolate(size:, mode:, align_corners=False)
/// (bicubic: a = −0.75, clamped edge taps; nearest: torch's legacy 'nearest').
public func resize(_ x: Tensor, height: Int, width: Int, mode: ResizeMode) -> Tensor {
    precondition(x.rank >= 2 && height > 0 && width > 0 && x.shape[x.rank - 2] > 0 && x.shape[x.rank - 1] > 0,
                 "resize: bad sizes \(x.shape) → \(height)x\(width)")
    let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
    if h == height && w == width { return x }
    let planes = x.count / (h * w)
    let tw = ResampleTable(input: w, output: width, mode: mode)
    let th = ResampleTable(input: h, output: height, mode: mode)
    // Width pass: [planes·h, w] → [planes·h, width].
    var mid = [Float](repeating: 0, count: planes * h * width)
    x.data.withUnsafeBufferPointer { px in
        mid.withUnsafeMutableBufferPointer { pm in
            tw.index.withUnsafeBufferPointer { idx in
                tw.weight.withUnsafeBufferPointer { wt in
                    let taps = tw.taps
                    ParallelFor.run(planes * h, minChunk: Swift.max(1, 8192 / width)) { r in
                        for row in r {
                            let s = px.baseAddress! + row * w, d = pm.baseAddress! + row * width
                            for j in 0..<width {
                                var acc: Float = 0
                                for t in 0..<taps { acc += wt[j * taps + t] * s[idx[j * taps + t]] }
                                d[j] = acc
                            }
                        }
                    }
                }
            }
        }
    }
    // Height pass: rows of `mid` combined with the height taps.
    var outShape = x.shape; outShape[x.rank - 2] = height; outShape[x.rank - 1] = width
    return Tensor(shape: outShape) { out in
        mid.withUnsafeBufferPointer { pm in
            th.index.withUnsafeBufferPointer { idx in
                th.weight.withUnsafeBufferPointer { wt in
                    let taps = th.taps
                    ParallelFor.run(planes * height, minChunk: Swift.max(1, 8192 / width)) { r in
                        for orow in r {
                            let p = orow / height, i = orow % height
                            let d = out.baseAddress! + orow * width
                            let base = pm.baseAddress! + p * h * width
                            let w0 = wt[i * taps]
                            let s0 = base + idx[i * taps] * width
                            for j in 0..<width { d[j] = w0 * s0[j] }
                            for t in 1..<Swift.max(taps, 1) {
                                let wtt = wt[i * taps + t]
                                let st = base + idx[i * taps + t] * width
                                for j in 0..<width { d[j] += wtt * st[j] }
                            }
                        }
                    }
                }
            }
        }
    }
}
