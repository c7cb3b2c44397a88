import CVectorMath
import Foundation

// GroupNorm, LayerNorm, softmax. Statistics: two passes (mean, then Σ(x−mean)²), SIMD partial sums
// flushed into Double every block, biased variance (as torch).

/// Sum of `n` floats: SIMD16 partial sums over blocks of 4096, accumulated in Double.
@inline(__always)
func blockSum(_ p: UnsafePointer<Float>, _ n: Int, minus mean: Float? = nil, squared: Bool = false) -> Double {
    if fsvm_level() > 0 { return fsvm_block_sum(p, n, mean ?? 0, squared ? 1 : 0) }
    var total = 0.0
    var i = 0
    let m = SIMD16<Float>(repeating: mean ?? 0)
    while i < n {
        let end = Swift.min(n, i + 4096)
        var acc = SIMD16<Float>.zero
        var j = i
        let raw = UnsafeRawPointer(p)
        while j + 16 <= end {
            var v = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self) - m
            if squared { v = v * v }
            acc += v
            j += 16
        }
        var tail: Float = 0
        while j < end {
            var v = p[j] - (mean ?? 0)
            if squared { v = v * v }
            tail += v
            j += 1
        }
        total += Double(acc.sum()) + Double(tail)
        i = end
    }
    return total
}

/// Mean and biased variance of a contiguous block.
@inline(__always)
func meanVariance(_ p: UnsafePointer<Float>, _ n: Int) -> (mean: Float, variance: Float) {
    let mean = Float(blockSum(p, n) / Double(n))
    let v = blockSum(p, n, minus: mean, squared: true) / Double(n)
    return (mean, Float(v))
}

/// x [N,C,...]: groups over C, statistics over (C/groups × rest); affine weight/bias [C].
public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
    precondition(x.rank >= 2 && groups > 0 && x.shape[1] % groups == 0,
                 "groupNorm: \(x.shape[safe: 1] ?? 0) channels not divisible into \(groups) groups")
    let (n, c) = (x.shape[0], x.shape[1])
    if let weight { precondition(weight.count == c, "groupNorm: weight \(weight.shape) for \(c) channels") }
    if let bias { precondition(bias.count == c, "groupNorm: bias \(bias.shape) for \(c) channels") }
    let rest = x.count / Swift.max(n * c, 1)
    let cpg = c / groups
    let block = cpg * rest
    let wData = weight?.data, bData = bias?.data
    return Tensor(shape: x.shape) { out in
        x.data.withUnsafeBufferPointer { px in
            ParallelFor.forEach(n * groups) { item in
                let g = item % groups
                let src = px.baseAddress! + item * block
                let dst = out.baseAddress! + item * block
                let (mean, variance) = meanVariance(src, block)
                let inv = 1 / (variance + eps).squareRoot()
                for ci in 0..<cpg {
                    let ch = g * cpg + ci
                    let a = inv * (wData?[ch] ?? 1)
                    let b = (bData?[ch] ?? 0) - mean * a
                    let s = src + ci * rest, d = dst + ci * rest
                    for j in 0..<rest { d[j] = s[j] * a + b }
                }
            }
        }
    }
}

/// Normalises over the last axis; weight/bias [last].
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
    precondition(x.rank >= 1, "layerNorm: needs rank ≥ 1")
    let d = x.shape[x.rank - 1]
    if let weight { precondition(weight.count == d, "layerNorm: weight \(weight.shape) for width \(d)") }
    if let bias { precondition(bias.count == d, "layerNorm: bias \(bias.shape) for width \(d)") }
    let rows = x.count / Swift.max(d, 1)
    let wData = weight?.data ?? [Float](repeating: 1, count: d)
    let bData = bias?.data ?? [Float](repeating: 0, count: d)
    return Tensor(shape: x.shape) { out in
        x.data.withUnsafeBufferPointer { px in
            wData.withUnsafeBufferPointer { pw in
                bData.withUnsafeBufferPointer { pb in
                    ParallelFor.run(rows, minChunk: Swift.max(1, 8192 / Swift.max(d, 1))) { r in
                        for row in r {
                            let s = px.baseAddress! + row * d, o = out.baseAddress! + row * d
                            let (mean, variance) = meanVariance(s, d)
                            let inv = 1 / (variance + eps).squareRoot()
                            for j in 0..<d { o[j] = (s[j] - mean) * inv * pw[j] + pb[j] }
                        }
                    }
                }
            }
        }
    }
}

/// Softmax over the last axis.
public func softmax(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 1, "softmax: needs rank ≥ 1")
    let d = x.shape[x.rank - 1]
    let rows = x.count / Swift.max(d, 1)
    return Tensor(shape: x.shape) { out in
        x.data.withUnsafeBufferPointer { px in
            ParallelFor.run(rows, minChunk: Swift.max(1, 8192 / Swift.max(d, 1))) { r in
                for row in r {
                    let s = px.baseAddress! + row * d, o = out.baseAddress! + row * d
                    var mx = rowMaximum(s, d)
                    if mx == -.infinity { mx = 0 }
                    o.update(from: s, count: d)
                    let sum = expShiftSum(o, d, shift: mx)
                    let inv = 1 / sum
                    for j in 0..<d { o[j] *= inv }
                }
            }
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
