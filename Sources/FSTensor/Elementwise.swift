import CVectorMath
import Foundation

// Elementwise arithmetic, activations and per-axis bias/scale. All parallel over flat ranges.

/// Minimum elements per worker chunk for memory-bound elementwise loops.
let elementwiseChunk = 1 << 15

@inline(__always)
func binaryOp(_ a: Tensor, _ b: Tensor, _ name: String, _ f: (Float, Float) -> Float) -> Tensor {
    precondition(a.shape == b.shape, "\(name): shapes differ \(a.shape) vs \(b.shape)")
    return Tensor(shape: a.shape) { out in
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                ParallelFor.run(a.count, minChunk: elementwiseChunk) { r in
                    for i in r { out[i] = f(pa[i], pb[i]) }
                }
            }
        }
    }
}

@inline(__always)
func unaryOp(_ a: Tensor, _ f: (Float) -> Float) -> Tensor {
    Tensor(shape: a.shape) { out in
        a.data.withUnsafeBufferPointer { pa in
            ParallelFor.run(a.count, minChunk: elementwiseChunk) { r in
                for i in r { out[i] = f(pa[i]) }
            }
        }
    }
}

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { binaryOp(a, b, "+") { $0 + $1 } }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binaryOp(a, b, "-") { $0 - $1 } }
    /// Elementwise product (same shape).
    public static func * (a: Tensor, b: Tensor) -> Tensor { binaryOp(a, b, "*") { $0 * $1 } }
    public static func * (a: Tensor, s: Float) -> Tensor { unaryOp(a) { $0 * s } }
    public static func + (a: Tensor, s: Float) -> Tensor { unaryOp(a) { $0 + s } }
    public static func += (a: inout Tensor, b: Tensor) {
        precondition(a.shape == b.shape, "+=: shapes differ \(a.shape) vs \(b.shape)")
        let n = a.count
        a.data.withUnsafeMutableBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                ParallelFor.run(n, minChunk: elementwiseChunk) { r in
                    for i in r { pa[i] += pb[i] }
                }
            }
        }
    }
    public func map(_ f: (Float) -> Float) -> Tensor { unaryOp(self, f) }

    /// Adds `bias[c]` to every element whose index along `axis` is c (e.g. conv bias on axis 1).
    public func addingBias(_ bias: Tensor, axis: Int) -> Tensor {
        perAxis(bias, axis: axis, "addingBias") { $0 + $1 }
    }

    /// Multiplies by `scale[c]` along `axis`.
    public func scaling(_ scale: Tensor, axis: Int) -> Tensor {
        perAxis(scale, axis: axis, "scaling") { $0 * $1 }
    }

    private func perAxis(_ v: Tensor, axis: Int, _ name: String, _ f: (Float, Float) -> Float) -> Tensor {
        let ax = axis < 0 ? axis + rank : axis
        precondition(ax >= 0 && ax < rank && v.count == shape[ax],
                     "\(name): \(v.count) values for axis \(axis) of \(shape)")
        let len = shape[ax]
        let inner = shape[(ax + 1)...].reduce(1, *)
        let rows = count / Swift.max(inner, 1)   // (outer × len) rows of `inner` elements
        return Tensor(shape: shape) { out in
            data.withUnsafeBufferPointer { px in
                v.data.withUnsafeBufferPointer { pv in
                    ParallelFor.run(rows, minChunk: Swift.max(1, elementwiseChunk / Swift.max(inner, 1))) { r in
                        for row in r {
                            let c = pv[row % len]
                            let base = row * inner
                            for j in 0..<inner { out[base + j] = f(px[base + j], c) }
                        }
                    }
                }
            }
        }
    }
}

/// Applies a 16-lane function over the whole tensor, in parallel chunks.
func vectorisedOp(_ a: Tensor, _ f: @escaping (FloatV) -> FloatV) -> Tensor {
    Tensor(shape: a.shape) { out in
        a.data.withUnsafeBufferPointer { pa in
            ParallelFor.run(a.count, minChunk: elementwiseChunk) { r in
                mapVectorised(pa.baseAddress! + r.lowerBound, out.baseAddress! + r.lowerBound, r.count, f)
            }
        }
    }
}

/// The same through a C kernel of the selected `ElementwiseISA` level (> 0).
func dispatchedOp(_ a: Tensor, _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
    Tensor(shape: a.shape) { out in
        a.data.withUnsafeBufferPointer { pa in
            ParallelFor.run(a.count, minChunk: elementwiseChunk) { r in
                kernel(pa.baseAddress! + r.lowerBound, out.baseAddress! + r.lowerBound, r.count)
            }
        }
    }
}

/// SiLU: x·σ(x) = x / (1 + e^(−x)) (vectorised exp).
public func silu(_ x: Tensor) -> Tensor {
    if fsvm_level() > 0 { return dispatchedOp(x) { fsvm_silu($0, $1, $2) } }
    return vectorisedOp(x) { v in v / (1 + fastExp(-v)) }
}

/// GELU, erf form (torch default): x·½·(1 + erf(x/√2)) (vectorised erf, a few ulp).
public func gelu(_ x: Tensor) -> Tensor {
    if fsvm_level() > 0 { return dispatchedOp(x) { fsvm_gelu($0, $1, $2) } }
    return vectorisedOp(x) { v in 0.5 * v * (1 + fastErf(v * 0.70710678118654752)) }
}

/// Constant padding of the last two axes of x [..., H, W].
public func pad2d(_ x: Tensor, left: Int, right: Int, top: Int, bottom: Int, value: Float = 0) -> Tensor {
    precondition(x.rank >= 2 && left >= 0 && right >= 0 && top >= 0 && bottom >= 0,
                 "pad2d: needs rank ≥ 2 and non-negative pads, got \(x.shape)")
    let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
    let (oh, ow) = (h + top + bottom, w + left + right)
    let planes = x.count / Swift.max(h * w, 1)
    var outShape = x.shape; outShape[x.rank - 2] = oh; outShape[x.rank - 1] = ow
    return Tensor(shape: outShape) { out in
        x.data.withUnsafeBufferPointer { px in
            ParallelFor.run(planes, minChunk: Swift.max(1, elementwiseChunk / Swift.max(oh * ow, 1))) { r in
                for p in r {
                    let dst = out.baseAddress! + p * oh * ow
                    let src = px.baseAddress! + p * h * w
                    for i in 0..<oh {
                        let drow = dst + i * ow
                        let si = i - top
                        if si < 0 || si >= h { drow.initialize(repeating: value, count: ow); continue }
                        drow.initialize(repeating: value, count: left)
                        (drow + left).initialize(from: src + si * w, count: w)
                        (drow + left + w).initialize(repeating: value, count: right)
                    }
                }
            }
        }
    }
}

/// GEGLU of projected rows h [rows, 2·inner] (value | gate halves, lvdm's `GEGLU`) → [rows, inner]:
/// value · GELU(gate), with the vectorised erf.
public func geglu(_ h: Tensor, inner: Int) -> Tensor {
    precondition(h.rank == 2 && h.shape[1] == 2 * inner, "geglu: \(h.shape) is not [rows, 2·\(inner)]")
    let rows = h.shape[0]
    let level = fsvm_level()
    return Tensor(shape: [rows, inner]) { dst in
        h.data.withUnsafeBufferPointer { src in
            ParallelFor.run(rows, minChunk: Swift.max(1, elementwiseChunk / Swift.max(inner, 1))) { range in
                if level > 0 {
                    for r in range { fsvm_geglu_row(src.baseAddress! + r * 2 * inner, dst.baseAddress! + r * inner, inner) }
                    return
                }
                for r in range {
                    let s = UnsafeRawPointer(src.baseAddress! + r * 2 * inner)
                    let d = UnsafeMutableRawPointer(dst.baseAddress! + r * inner)
                    var j = 0
                    while j + 16 <= inner {
                        let v = s.loadUnaligned(fromByteOffset: j * 4, as: FloatV.self)
                        let g = s.loadUnaligned(fromByteOffset: (inner + j) * 4, as: FloatV.self)
                        d.storeBytes(of: v * (0.5 * g * (1 + fastErf(g * 0.70710678118654752))), toByteOffset: j * 4, as: FloatV.self)
                        j += 16
                    }
                    let sp = src.baseAddress! + r * 2 * inner, dp = dst.baseAddress! + r * inner
                    for k in j..<inner {
                        let g = sp[inner + k]
                        dp[k] = sp[k] * (0.5 * g * (1 + erff(g * 0.70710678118654752)))
                    }
                }
            }
        }
    }
}
