import XCTest
@testable import FSTensor

final class ElementwiseTests: XCTestCase {
    func testArithmeticAndActivations() {
        var rng = SeededRandom(1)
        let a = rng.tensor([3, 5, 7], scale: 4), b = rng.tensor([3, 5, 7], scale: 4)
        for i in 0..<a.count {
            let (x, y) = (Double(a.data[i]), Double(b.data[i]))
            XCTAssertEqual((a + b).data[i], Float(x + y), accuracy: 1e-6)
            XCTAssertEqual((a - b).data[i], Float(x - y), accuracy: 1e-6)
            XCTAssertEqual((a * b).data[i], Float(x * y), accuracy: 1e-5)
            XCTAssertEqual((a * 2.5).data[i], Float(x * 2.5), accuracy: 1e-5)
            XCTAssertEqual((a + 1.5).data[i], Float(x + 1.5), accuracy: 1e-6)
            XCTAssertEqual(silu(a).data[i], Float(x / (1 + exp(-x))), accuracy: 1e-6)
            XCTAssertEqual(gelu(a).data[i], Float(0.5 * x * (1 + erf(x / 2.0.squareRoot()))), accuracy: 1e-6)
        }
        var c = a; c += b
        XCTAssertEqual(c.data, (a + b).data)
        XCTAssertEqual(a.map { $0 * $0 }.data, (a * a).data)
    }

    func testPerAxisBiasAndScale() {
        var rng = SeededRandom(2)
        let x = rng.tensor([2, 3, 5, 3]), v = rng.tensor([5])
        let yb = x.addingBias(v, axis: 2), ys = x.scaling(v, axis: -2)
        for a in 0..<2 { for b in 0..<3 { for c in 0..<5 { for d in 0..<3 {
            XCTAssertEqual(yb[a, b, c, d], x[a, b, c, d] + v.data[c])
            XCTAssertEqual(ys[a, b, c, d], x[a, b, c, d] * v.data[c])
        } } } }
    }

    func testPad2d() {
        var rng = SeededRandom(3)
        let x = rng.tensor([2, 3, 4])
        let y = pad2d(x, left: 1, right: 2, top: 3, bottom: 0, value: -7)
        XCTAssertEqual(y.shape, [2, 6, 7])
        for p in 0..<2 { for i in 0..<6 { for j in 0..<7 {
            let (si, sj) = (i - 3, j - 1)
            let expect = (si >= 0 && si < 3 && sj >= 0 && sj < 4) ? x[p, si, sj] : -7
            XCTAssertEqual(y[p, i, j], expect)
        } } }
    }
}

final class GEMMTests: XCTestCase {
    func testMatmulVariants() {
        var rng = SeededRandom(4)
        let (m, k, n) = (7, 13, 5)
        let a = rng.tensor([m, k]), b = rng.tensor([k, n])
        let expect = Naive.matmul(a.data.map(Double.init), b.data.map(Double.init), m: m, k: k, n: n)
        XCTAssertLessThan(maxAbsDiff(matmul(a, b), Tensor(shape: [m, n], data: expect.map(Float.init))), 1e-5)
        // Transposed operands given as [K,M] and [N,K].
        let at = a.permuted([1, 0]), bt = b.permuted([1, 0])
        XCTAssertLessThan(maxAbsDiff(matmul(at, bt, transposeA: true, transposeB: true), matmul(a, b)), 1e-5)
        // Batched, and 3-D × shared 2-D.
        let a3 = rng.tensor([3, m, k]), b3 = rng.tensor([3, k, n])
        let c3 = matmul(a3, b3), c3s = matmul(a3, b)
        for i in 0..<3 {
            let ai = a3.slice(axis: 0, i..<(i + 1)).reshaped([m, k])
            let bi = b3.slice(axis: 0, i..<(i + 1)).reshaped([k, n])
            XCTAssertLessThan(maxAbsDiff(c3.slice(axis: 0, i..<(i + 1)).reshaped([m, n]), matmul(ai, bi)), 1e-5)
            XCTAssertLessThan(maxAbsDiff(c3s.slice(axis: 0, i..<(i + 1)).reshaped([m, n]), matmul(ai, b)), 1e-5)
        }
    }

    func testLinear() {
        var rng = SeededRandom(5)
        let x = rng.tensor([2, 3, 11]), w = rng.tensor([6, 11]), bias = rng.tensor([6])
        let y = linear(x, weight: w, bias: bias), y0 = linear(x, weight: w, bias: nil)
        XCTAssertEqual(y.shape, [2, 3, 6])
        for r in 0..<6 { for o in 0..<6 {
            var s = 0.0
            for i in 0..<11 { s += Double(x.data[r * 11 + i]) * Double(w.data[o * 11 + i]) }
            XCTAssertEqual(y.data[r * 6 + o], Float(s) + bias.data[o], accuracy: 1e-5)
            XCTAssertEqual(y0.data[r * 6 + o], Float(s), accuracy: 1e-5)
        } }
    }
}

final class ConvTests: XCTestCase {
    func testConv2dOddShapes() {
        var rng = SeededRandom(6)
        let cases: [(x: [Int], w: [Int], s: (Int, Int), p: (Int, Int), d: (Int, Int))] = [
            ([3, 5, 9, 11], [7, 5, 3, 3], (1, 1), (1, 1), (1, 1)),
            ([2, 3, 10, 13], [4, 3, 3, 2], (2, 3), (1, 0), (1, 1)),
            ([1, 4, 11, 9], [5, 4, 3, 3], (1, 1), (2, 3), (2, 3)),
            ([3, 6, 7, 5], [5, 6, 1, 1], (1, 1), (0, 0), (1, 1)),
            ([2, 3, 8, 8], [2, 3, 4, 4], (2, 2), (1, 1), (1, 1)),
            ([1, 2, 5, 6], [3, 2, 1, 1], (2, 1), (1, 0), (1, 1)),
        ]
        for c in cases {
            let x = rng.tensor(c.x), w = rng.tensor(c.w), b = rng.tensor([c.w[0]])
            let got = conv2d(x, weight: w, bias: b, stride: c.s, padding: c.p, dilation: c.d)
            let want = Naive.conv2d(x, w, b, stride: c.s, padding: c.p, dilation: c.d)
            XCTAssertEqual(got.shape, want.shape)
            XCTAssertLessThan(maxAbsDiff(got, want), 2e-5, "conv2d \(c)")
        }
        let x = rng.tensor([1, 3, 6, 7]), w = rng.tensor([2, 3, 3, 3])
        XCTAssertLessThan(maxAbsDiff(conv2d(x, weight: w, bias: nil, stride: 1, padding: 1),
                                     Naive.conv2d(x, w, nil, stride: (1, 1), padding: (1, 1), dilation: (1, 1))), 2e-5)
    }

    func testConv2dTiledScratch() {
        // A tiny scratch budget forces one output row per tile (and both execution paths).
        let saved = conv2dScratchBudget
        defer { conv2dScratchBudget = saved }
        conv2dScratchBudget = 1
        var rng = SeededRandom(7)
        for n in [1, 3] {
            let x = rng.tensor([n, 4, 9, 10]), w = rng.tensor([6, 4, 3, 3]), b = rng.tensor([6])
            let got = conv2d(x, weight: w, bias: b, stride: (1, 1), padding: (1, 1), dilation: (1, 1))
            XCTAssertLessThan(maxAbsDiff(got, Naive.conv2d(x, w, b, stride: (1, 1), padding: (1, 1), dilation: (1, 1))), 2e-5)
        }
    }

    func testTemporalConv() {
        var rng = SeededRandom(8)
        for (shape, k, p) in [([2, 3, 7, 3, 5], 3, 1), ([1, 4, 5, 2, 3], 3, 0), ([1, 2, 4, 3, 3], 1, 0), ([2, 3, 3, 2, 2], 3, 2)] {
            let x = rng.tensor(shape), w = rng.tensor([5, shape[1], k, 1, 1]), b = rng.tensor([5])
            let got = temporalConv(x, weight: w, bias: b, padding: p)
            let want = Naive.temporalConv(x, w, b, padding: p)
            XCTAssertEqual(got.shape, want.shape)
            XCTAssertLessThan(maxAbsDiff(got, want), 2e-5)
        }
    }
}

final class NormTests: XCTestCase {
    func testGroupNorm() {
        var rng = SeededRandom(9)
        for (shape, g) in [([2, 6, 3, 5], 3), ([1, 8, 2, 3, 5], 4), ([3, 5, 7], 5), ([2, 4], 2)] {
            let x = rng.tensor(shape, scale: 3) + 1.7
            let w = rng.tensor([shape[1]]), b = rng.tensor([shape[1]])
            XCTAssertLessThan(maxAbsDiff(groupNorm(x, groups: g, weight: w, bias: b, eps: 1e-6),
                                         Naive.groupNorm(x, groups: g, weight: w, bias: b, eps: 1e-6)), 2e-5)
            XCTAssertLessThan(maxAbsDiff(groupNorm(x, groups: g, weight: nil, bias: nil, eps: 0.1),
                                         Naive.groupNorm(x, groups: g, weight: nil, bias: nil, eps: 0.1)), 2e-5)
        }
    }

    func testLayerNormAndSoftmax() {
        var rng = SeededRandom(10)
        let x = rng.tensor([3, 4, 37], scale: 5) + 2
        let w = rng.tensor([37]), b = rng.tensor([37])
        let y = layerNorm(x, weight: w, bias: b, eps: 1e-5), s = softmax(x)
        for r in 0..<12 {
            let row = (0..<37).map { Double(x.data[r * 37 + $0]) }
            let mean = row.reduce(0, +) / 37
            let v = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 37
            let mx = row.max()!
            let e = row.map { exp($0 - mx) }, sum = e.reduce(0, +)
            for j in 0..<37 {
                let want = (row[j] - mean) / (v + 1e-5).squareRoot() * Double(w.data[j]) + Double(b.data[j])
                XCTAssertEqual(Double(y.data[r * 37 + j]), want, accuracy: 2e-5)
                XCTAssertEqual(Double(s.data[r * 37 + j]), e[j] / sum, accuracy: 1e-6)
            }
        }
    }
}

final class AttentionTests: XCTestCase {
    func testAttentionSpansSeveralTiles() {
        var rng = SeededRandom(11)
        // N and M span several query/key tiles with ragged ends.
        let q = rng.tensor([2, 261, 7], scale: 2), k = rng.tensor([2, 1030, 7], scale: 2), v = rng.tensor([2, 1030, 5])
        XCTAssertLessThan(maxAbsDiff(attention(q: q, k: k, v: v, scale: 0.8),
                                     Naive.attention(q: q, k: k, v: v, scale: 0.8, causal: false)), 1e-5)
        let q2 = rng.tensor([1, 3, 4]), k2 = rng.tensor([1, 2, 4]), v2 = rng.tensor([1, 2, 3])
        XCTAssertLessThan(maxAbsDiff(attention(q: q2, k: k2, v: v2, scale: 1),
                                     Naive.attention(q: q2, k: k2, v: v2, scale: 1, causal: false)), 1e-6)
    }

    func testCausalAttention() {
        var rng = SeededRandom(12)
        let q = rng.tensor([2, 600, 8], scale: 3), k = rng.tensor([2, 600, 8], scale: 3), v = rng.tensor([2, 600, 6])
        XCTAssertLessThan(maxAbsDiff(attention(q: q, k: k, v: v, scale: 0.5, causal: true),
                                     Naive.attention(q: q, k: k, v: v, scale: 0.5, causal: true)), 1e-5)
    }

    func testMultiHeadSplitsChannels() {
        var rng = SeededRandom(13)
        let (b, n, m, h, d) = (2, 19, 23, 3, 5)
        let q = rng.tensor([b, n, h * d]), k = rng.tensor([b, m, h * d]), v = rng.tensor([b, m, h * d])
        let got = multiHeadAttention(q: q, k: k, v: v, heads: h)
        XCTAssertEqual(got.shape, [b, n, h * d])
        for hi in 0..<h {
            let sl = { (t: Tensor) in t.slice(axis: 2, (hi * d)..<((hi + 1) * d)) }
            let want = Naive.attention(q: sl(q), k: sl(k), v: sl(v), scale: 1 / Float(d).squareRoot(), causal: false)
            XCTAssertLessThan(maxAbsDiff(sl(got), want), 1e-5)
        }
        let causal = multiHeadAttention(q: q, k: q, v: v.slice(axis: 1, 0..<n), heads: h, scale: 0.3, causal: true)
        for hi in 0..<h {
            let sl = { (t: Tensor) in t.slice(axis: 2, (hi * d)..<((hi + 1) * d)) }
            let want = Naive.attention(q: sl(q), k: sl(q), v: sl(v.slice(axis: 1, 0..<n)), scale: 0.3, causal: true)
            XCTAssertLessThan(maxAbsDiff(sl(causal), want), 1e-5)
        }
    }
}

final class ResizeTests: XCTestCase {
    func testResizeMatchesTorchFormula() {
        var rng = SeededRandom(14)
        let x = rng.tensor([2, 3, 7, 9])
        for mode in [ResizeMode.nearest, .bilinear, .bicubic] {
            for (h, w) in [(14, 18), (13, 20), (3, 4), (5, 9), (7, 25), (1, 1)] {
                let got = resize(x, height: h, width: w, mode: mode)
                XCTAssertEqual(got.shape, [2, 3, h, w])
                XCTAssertLessThan(maxAbsDiff(got, Naive.resize(x, height: h, width: w, mode: mode)), 1e-5, "\(mode) \(h)x\(w)")
            }
        }
    }

    func testKnownTorchValues() {
        // torch: F.interpolate(tensor([[[[0., 1.]]]]), size=(1, 4), mode='bilinear') → [0, 0.25, 0.75, 1]
        let x = Tensor(shape: [1, 1, 1, 2], data: [0, 1])
        XCTAssertEqual(resize(x, height: 1, width: 4, mode: .bilinear).data, [0, 0.25, 0.75, 1])
        // nearest 3 → 5: src = floor(i·0.6) = 0,0,1,1,2
        let y = Tensor(shape: [1, 3], data: [10, 20, 30])
        XCTAssertEqual(resize(y, height: 1, width: 5, mode: .nearest).data, [10, 10, 20, 20, 30])
    }

    func testUpsampleNearest2x() {
        var rng = SeededRandom(15)
        let x = rng.tensor([2, 3, 5])
        let y = upsampleNearest2x(x)
        XCTAssertEqual(y.shape, [2, 6, 10])
        for p in 0..<2 { for i in 0..<6 { for j in 0..<10 { XCTAssertEqual(y[p, i, j], x[p, i / 2, j / 2]) } } }
        XCTAssertEqual(y.data, resize(x, height: 6, width: 10, mode: .nearest).data)
    }
}

final class GaussianTests: XCTestCase {
    func testKernelMatchesReference() {
        // numpy: x = arange(k) − (k−1)/2; g = exp(−x²/2); g / g.sum()
        let k3 = gaussianKernel1D(size: 3, sigma: 1)
        for (a, b) in zip(k3, [0.2740686237812042, 0.45186275243759155, 0.2740686237812042]) { XCTAssertEqual(Double(a), b, accuracy: 1e-7) }
        let k5 = gaussianKernel1D(size: 5, sigma: 1)
        for (a, b) in zip(k5, [0.054488688707351685, 0.24420136213302612, 0.40261995792388916, 0.24420136213302612, 0.054488688707351685]) {
            XCTAssertEqual(Double(a), b, accuracy: 1e-7)
        }
    }

    func testSeparableBlurEqualsDirect3D() {
        var rng = SeededRandom(16)
        let x = rng.tensor([2, 5, 6, 7])
        let k = gaussianKernel1D(size: 5, sigma: 1)
        let got = gaussianBlur(x, kernelSize: 5, sigma: 1, axes: [1, 2, 3])
        for b in 0..<2 { for c in 0..<5 { for i in 0..<6 { for j in 0..<7 {
            var s = 0.0
            for dc in -2...2 { for di in -2...2 { for dj in -2...2 {
                let (cc, ii, jj) = (c + dc, i + di, j + dj)
                if cc < 0 || cc >= 5 || ii < 0 || ii >= 6 || jj < 0 || jj >= 7 { continue }
                s += Double(k[dc + 2]) * Double(k[di + 2]) * Double(k[dj + 2]) * Double(x[b, cc, ii, jj])
            } } }
            XCTAssertEqual(Double(got[b, c, i, j]), s, accuracy: 1e-5)
        } } } }
    }
}

final class MemoryStatsTests: XCTestCase {
    func testPeakRSSIsReadable() throws {
        guard let peak = MemoryStats.peakRSSBytes(), let cur = MemoryStats.currentRSSBytes() else {
            throw XCTSkip("/proc/self/status not available")
        }
        XCTAssertGreaterThan(peak, 1 << 20)
        XCTAssertGreaterThanOrEqual(peak, cur / 2)
    }
}

final class FastMathTests: XCTestCase {
    func testFastExpRelativeError() {
        var worst: Double = 0
        var x: Float = -87
        while x < 88 {
            var v = FloatV.zero
            for i in 0..<16 { v[i] = x + Float(i) * 0.0137 }
            let e = fastExp(v)
            for i in 0..<16 {
                let want = exp(Double(v[i]))
                worst = max(worst, abs(Double(e[i]) - want) / want)
            }
            x += 0.31
        }
        XCTAssertLessThan(worst, 3e-7)
        var row: [Float] = (0..<37).map { Float($0) * -0.7 }
        let original = row
        let sum = row.withUnsafeMutableBufferPointer { expShiftSum($0.baseAddress!, 37, shift: -1) }
        let want = original.map { exp(Double($0) + 1) }
        XCTAssertEqual(Double(sum), want.reduce(0, +), accuracy: 1e-5)
        for j in 0..<37 { XCTAssertEqual(Double(row[j]), want[j], accuracy: 1e-6 * want[j]) }
    }
}

final class ActivationAccuracyTests: XCTestCase {
    func testSiluGeluOverWideRange() {
        // −12…12 in fine steps plus extremes: vectorised exp/erf against Double references.
        var vals: [Float] = stride(from: -12.0, through: 12.0, by: 0.00937).map { Float($0) }
        vals += [-100, -88, -40, 40, 88, 100, 0, -0.0]
        let x = Tensor(shape: [vals.count], data: vals)
        let s = silu(x), g = gelu(x)
        for (i, v) in vals.enumerated() {
            let d = Double(v)
            XCTAssertEqual(Double(s.data[i]), d / (1 + exp(-d)), accuracy: 2e-6 * max(1, abs(d)), "silu(\(v))")
            XCTAssertEqual(Double(g.data[i]), 0.5 * d * (1 + erf(d / 2.0.squareRoot())), accuracy: 2e-6 * max(1, abs(d)), "gelu(\(v))")
        }
    }

    func testSoftmaxWithInfinities() {
        let x = Tensor(shape: [2, 3], data: [-.infinity, 0, 1, 1000, 1000, -1000])
        let y = softmax(x)
        XCTAssertEqual(y.data[0], 0)
        XCTAssertEqual(Double(y.data[1]), 1 / (1 + M_E), accuracy: 1e-6)
        XCTAssertEqual(y.data[3], 0.5, accuracy: 1e-6)
        XCTAssertEqual(y.data[5], 0, accuracy: 1e-12)
    }
}
