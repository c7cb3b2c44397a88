import XCTest
@testable import FSTensor

/// bf16 GEMM tolerances (documented in docs/precision.md):
/// - against the exact product of the bf16-ROUNDED inputs (Double): |err| ≤ 1e-5·Σ|a||b| (fp32 accumulation only);
/// - against the fp32 product of the unrounded inputs: |err| ≤ 2⁻⁷·Σ|a||b| (two roundings of 2⁻⁹ each, with margin).
final class BF16Tests: XCTestCase {
    override func tearDown() { BF16Support.forceDisabled = false }

    func bf16(_ x: Float) -> Double {
        let u = x.bitPattern
        let r = (u &+ 0x7fff &+ ((u >> 16) & 1)) & 0xffff_0000
        return Double(Float(bitPattern: r))
    }

    func testRoundToNearestEvenAndUnpack() {
        let values: [Float] = [1, -2.5, 1 + 1.0 / 256, 1 + 3.0 / 256, 1 + 1.0 / 512, 3.14159, 1e-3, -65504, 0]
        let w = Tensor(shape: [1, values.count], data: values)
        let lw = LinearWeight(w, precision: .bf16)
        let back = lw.tensor.data
        XCTAssertEqual(back[0], 1)
        XCTAssertEqual(back[1], -2.5)
        XCTAssertEqual(back[2], 1)                 // tie 1 + 2⁻⁸ → even (1)
        XCTAssertEqual(back[3], 1 + 4.0 / 256)     // tie 1 + 3·2⁻⁸ → even (1 + 2⁻⁶)
        XCTAssertEqual(back[4], 1)
        for (v, b) in zip(values, back) { XCTAssertEqual(Double(b), bf16(v)) }
        XCTAssertEqual(lw.byteCount, 32 * 10 * 2)  // one panel of 32 columns, 5 k pairs
    }

    /// Every operand form (fp32 / packed / transposed), odd sizes, alpha/beta, split and unsplit, on the
    /// AVX512-BF16 path and the forced portable path.
    func testGEMMAgainstRoundedReference() {
        var rng = SeededRandom(11)
        for disabled in [false, true] {
            BF16Support.forceDisabled = disabled
            for (m, n, k) in [(1, 1, 1), (7, 33, 5), (37, 70, 129), (130, 70, 240), (40, 530, 100), (9, 40, 2100)] {
                let a = rng.tensor([m, k]), b = rng.tensor([k, n]), c0 = rng.tensor([m, n])
                let at = a.permuted([1, 0]), bt = b.permuted([1, 0])
                let pa = a.data.withUnsafeBufferPointer { BF16Panels(role: .rowsOfC, outer: m, k: k, rowMajor: $0.baseAddress!, ld: k) }
                let pb = bt.data.withUnsafeBufferPointer { BF16Panels(role: .columnsOfC, outer: n, k: k, rowMajor: $0.baseAddress!, ld: k) }
                let ra = a.data.map(bf16), rb = b.data.map(bf16)
                var exact = [Double](repeating: 0, count: m * n), mag = exact
                for i in 0..<m { for kk in 0..<k { let av = ra[i * k + kk]; for j in 0..<n {
                    let p = av * rb[kk * n + j]; exact[i * n + j] += p; mag[i * n + j] += abs(p)
                } } }
                for variant in 0..<6 {
                    let (alpha, beta): (Float, Float) = variant % 2 == 0 ? (1, 0) : (0.5, 2)
                    var c = c0
                    a.data.withUnsafeBufferPointer { pA in at.data.withUnsafeBufferPointer { pAt in
                    b.data.withUnsafeBufferPointer { pB in bt.data.withUnsafeBufferPointer { pBt in
                    c.data.withUnsafeMutableBufferPointer { pc in
                        let opA: BF16Operand = variant < 2 ? .fp32(pA.baseAddress!, ld: k, transposed: false)
                            : variant < 4 ? .fp32(pAt.baseAddress!, ld: m, transposed: true) : .packed(pa)
                        let opB: BF16Operand = variant < 2 ? .packed(pb)
                            : variant < 4 ? .fp32(pBt.baseAddress!, ld: k, transposed: true) : .fp32(pB.baseAddress!, ld: n, transposed: false)
                        BF16GEMM.gemm(m: m, n: n, k: k, alpha: alpha, a: opA, b: opB, beta: beta, c: pc.baseAddress!, ldc: n)
                    } } } } }
                    for i in 0..<m { for j in 0..<n {
                        let want = Double(alpha) * exact[i * n + j] + Double(beta) * Double(c0.data[i * n + j])
                        let tol = 1e-5 * (mag[i * n + j] + abs(Double(beta * c0.data[i * n + j]))) + 1e-7
                        XCTAssertLessThanOrEqual(abs(Double(c.data[i * n + j]) - want), tol,
                                                 "m\(m) n\(n) k\(k) variant \(variant) disabled \(disabled) at \(i),\(j)")
                    } }
                }
            }
        }
    }

    func testLayersInBF16MatchFP32WithinTolerance() {
        var rng = SeededRandom(12)
        // linear
        let x = rng.tensor([3, 41, 96]), w = rng.tensor([70, 96]), bias = rng.tensor([70])
        let yl = linear(x, weight: LinearWeight(w, precision: .bf16), bias: bias)
        XCTAssertLessThan(maxAbsDiff(yl, linear(x, weight: w, bias: bias)), 1.0 / 128 * 96 / 4)
        // conv2d (3×3 and pointwise, several workers' tiles)
        let img = rng.tensor([2, 19, 13, 17]), cw = rng.tensor([40, 19, 3, 3]), cb = rng.tensor([40])
        for (wt, pad) in [(cw, 1), (rng.tensor([40, 19, 1, 1]), 0)] {
            let got = conv2d(img, weight: ConvWeight(wt, precision: .bf16), bias: cb, stride: 1, padding: pad)
            let want = conv2d(img, weight: wt, bias: cb, stride: 1, padding: pad)
            XCTAssertLessThan(maxAbsDiff(got, want), 1.0 / 128 * Float(wt.count / 40) / 4)
        }
        // temporal conv
        let vid = rng.tensor([2, 24, 5, 6, 7]), tw = rng.tensor([24, 24, 3, 1, 1]), tb = rng.tensor([24])
        let tg = temporalConv(vid, weight: TemporalConvWeight(tw, precision: .bf16), bias: tb, padding: 1)
        XCTAssertLessThan(maxAbsDiff(tg, temporalConv(vid, weight: tw, bias: tb, padding: 1)), 1.0 / 128 * 72 / 4)
        // attention (large enough for the bf16 products), causal and not
        let q = rng.tensor([2, 150, 128]), k = rng.tensor([2, 600, 128]), v = rng.tensor([2, 600, 128])
        for causal in [false, true] {
            let got = multiHeadAttention(q: q, k: k, v: v, heads: 2, causal: causal, precision: .bf16)
            let want = multiHeadAttention(q: q, k: k, v: v, heads: 2, causal: causal)
            XCTAssertLessThan(maxAbsDiff(got, want), 0.02, "causal \(causal)")
        }
    }

    /// A CPU without AVX512-BF16: `auto` resolves to fp32, and bf16 still computes (portable kernel).
    func testForcedFP32PathOnCPUsWithoutBF16() {
        BF16Support.forceDisabled = true
        XCTAssertFalse(BF16Support.hasFastBF16)
        XCTAssertEqual(PrecisionChoice.auto.resolved(), .fp32)
        XCTAssertEqual(PrecisionChoice.bf16.resolved(), .bf16)
        var rng = SeededRandom(13)
        let x = rng.tensor([5, 64]), w = rng.tensor([48, 64])
        let portable = linear(x, weight: LinearWeight(w, precision: .bf16), bias: nil)
        BF16Support.forceDisabled = false
        if BF16Support.hasFastBF16 {
            XCTAssertEqual(PrecisionChoice.auto.resolved(), .bf16)
            let fast = linear(x, weight: LinearWeight(w, precision: .bf16), bias: nil)
            XCTAssertLessThan(maxAbsDiff(fast, portable), 1e-4)
        } else {
            print("BF16Tests: this CPU has no AVX512-BF16; only the portable path was run")
        }
    }
}
