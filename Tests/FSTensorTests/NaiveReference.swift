import Foundation
@testable import FSTensor

// Naive scalar reference implementations (Double accumulation), written straight from the definitions.

struct SeededRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &+ 0x9E3779B97F4A7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    mutating func tensor(_ shape: [Int], scale: Float = 1) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in uniform() * scale })
    }
}

func maxAbsDiff(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes differ \(a.shape) vs \(b.shape)")
    var m: Float = 0
    for i in 0..<a.count { m = max(m, abs(a.data[i] - b.data[i])) }
    return m
}

enum Naive {
    static func matmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { var s = 0.0; for t in 0..<k { s += a[i * k + t] * b[t * n + j] }; c[i * n + j] = s } }
        return c
    }

    static func conv2d(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
        let ow = (wd + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
        var out = Tensor(zeros: [n, o, oh, ow])
        for b in 0..<n { for oc in 0..<o { for y in 0..<oh { for xx in 0..<ow {
            var s = Double(bias?.data[oc] ?? 0)
            for ic in 0..<c { for i in 0..<kh { for j in 0..<kw {
                let iy = y * stride.0 - padding.0 + i * dilation.0
                let ix = xx * stride.1 - padding.1 + j * dilation.1
                if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                s += Double(x[b, ic, iy, ix]) * Double(w[oc, ic, i, j])
            } } }
            out[b, oc, y, xx] = Float(s)
        } } } }
        return out
    }

    static func temporalConv(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, padding: Int) -> Tensor {
        let (n, c, t, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
        let (o, k) = (w.shape[0], w.shape[2])
        let to = t + 2 * padding - k + 1
        var out = Tensor(zeros: [n, o, to, h, wd])
        for b in 0..<n { for oc in 0..<o { for tt in 0..<to { for y in 0..<h { for xx in 0..<wd {
            var s = Double(bias?.data[oc] ?? 0)
            for ic in 0..<c { for j in 0..<k {
                let ti = tt + j - padding
                if ti < 0 || ti >= t { continue }
                s += Double(x[b, ic, ti, y, xx]) * Double(w[oc, ic, j, 0, 0])
            } }
            out[b, oc, tt, y, xx] = Float(s)
        } } } } }
        return out
    }

    static func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        let (n, c) = (x.shape[0], x.shape[1])
        let rest = x.count / (n * c)
        var out = x
        for b in 0..<n { for g in 0..<groups {
            var vals: [Double] = []
            for ch in (g * c / groups)..<((g + 1) * c / groups) { for r in 0..<rest { vals.append(Double(x.data[(b * c + ch) * rest + r])) } }
            let mean = vals.reduce(0, +) / Double(vals.count)
            let v = vals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(vals.count)
            for ch in (g * c / groups)..<((g + 1) * c / groups) { for r in 0..<rest {
                let i = (b * c + ch) * rest + r
                let y = (Double(x.data[i]) - mean) / (v + Double(eps)).squareRoot()
                out.data[i] = Float(y * Double(weight?.data[ch] ?? 1) + Double(bias?.data[ch] ?? 0))
            } }
        } }
        return out
    }

    /// softmax(q·kᵀ·scale)·v per batch, full matrix.
    static func attention(q: Tensor, k: Tensor, v: Tensor, scale: Float, causal: Bool) -> Tensor {
        let (b, n, d) = (q.shape[0], q.shape[1], q.shape[2])
        let (m, dv) = (k.shape[1], v.shape[2])
        var out = Tensor(zeros: [b, n, dv])
        for bi in 0..<b { for i in 0..<n {
            var logits = [Double](repeating: -.infinity, count: m)
            for j in 0..<m where !causal || j <= i {
                var s = 0.0
                for t in 0..<d { s += Double(q[bi, i, t]) * Double(k[bi, j, t]) }
                logits[j] = s * Double(scale)
            }
            let mx = logits.max()!
            let e = logits.map { exp($0 - mx) }
            let sum = e.reduce(0, +)
            for t in 0..<dv {
                var s = 0.0
                for j in 0..<m { s += e[j] * Double(v[bi, j, t]) }
                out[bi, i, t] = Float(s / sum)
            }
        } }
        return out
    }

    /// torch F.interpolate(align_corners=False) written as a direct 2-D sum over source pixels.
    static func resize(_ x: Tensor, height: Int, width: Int, mode: ResizeMode) -> Tensor {
        let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
        let planes = x.count / (h * w)
        func taps(_ dst: Int, _ inSize: Int, _ outSize: Int) -> [(Int, Double)] {
            let scale = Float(inSize) / Float(outSize)
            switch mode {
            case .nearest:
                return [(min(Int((Float(dst) * scale).rounded(.down)), inSize - 1), 1)]
            case .bilinear:
                var s = scale * (Float(dst) + 0.5) - 0.5
                if s < 0 { s = 0 }
                let i0 = Int(s.rounded(.down))
                let l = Double(s) - Double(i0)
                return [(min(i0, inSize - 1), 1 - l), (min(i0 + 1, inSize - 1), l)]
            case .bicubic:
                let s = scale * (Float(dst) + 0.5) - 0.5
                let i0 = Int(s.rounded(.down))
                let t = Double(s) - Double(i0)
                let a = -0.75
                func cubic(_ x: Double) -> Double {
                    let ax = abs(x)
                    if ax <= 1 { return (a + 2) * ax * ax * ax - (a + 3) * ax * ax + 1 }
                    if ax < 2 { return a * ax * ax * ax - 5 * a * ax * ax + 8 * a * ax - 4 * a }
                    return 0
                }
                return (-1...2).map { j in (min(max(i0 + j, 0), inSize - 1), cubic(t - Double(j))) }
            }
        }
        var shape = x.shape; shape[x.rank - 2] = height; shape[x.rank - 1] = width
        var out = Tensor(zeros: shape)
        for p in 0..<planes { for i in 0..<height { for j in 0..<width {
            var s = 0.0
            for (yi, wy) in taps(i, h, height) { for (xi, wx) in taps(j, w, width) {
                s += wy * wx * Double(x.data[p * h * w + yi * w + xi])
            } }
            out.data[(p * height + i) * width + j] = Float(s)
        } } }
        return out
    }
}
