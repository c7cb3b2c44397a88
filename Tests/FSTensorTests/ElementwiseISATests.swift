import XCTest
@testable import FSTensor

/// Every element-wise build (AVX2+FMA, AVX-512) against the baseline Swift path, on values spanning the
/// clamps, ragged lengths and rows of −∞. Tolerance: relative 4e-6 (a few ulp: fused multiply-adds and
/// 8- vs 16-lane partial sums change the last bits), absolute 1e-5 for results near zero (GELU's 1 + erf
/// cancels for x ≪ 0); 2e-5 for GroupNorm and attention (sums in a different order). NaN rows stay NaN.
final class ElementwiseISATests: XCTestCase {
    override func tearDown() { ElementwiseISA.level = -1 }

    func close(_ a: [Float], _ b: [Float], _ what: String, rel: Float = 4e-6, abs absTol: Float = 1e-6) {
        XCTAssertEqual(a.count, b.count)
        for i in 0..<a.count where !(a[i] == b[i]) && !(a[i].isNaN && b[i].isNaN) {
            let tol = absTol + rel * Swift.max(Swift.abs(a[i]), Swift.abs(b[i]))
            XCTAssertLessThanOrEqual(Swift.abs(a[i] - b[i]), tol, "\(what)[\(i)]: \(a[i]) vs \(b[i])")
            if Swift.abs(a[i] - b[i]) > tol { return }
        }
    }

    func testEveryLevelMatchesBaseline() {
        var rng = SeededRandom(21)
        let x = rng.tensor([3, 1001], scale: 12)                  // ragged, beyond the erf clamp (±4·√2)
        let wide = rng.tensor([2, 37, 2 * 77], scale: 6)          // GEGLU rows of 2·77
        var logits = rng.tensor([5, 203], scale: 30)
        for j in 0..<203 { logits.data[2 * 203 + j] = -.infinity } // one row of −∞
        let big = rng.tensor([1, 5, 9000], scale: 3)               // norm statistics over > 4096 elements
        func run() -> [[Float]] {
            [silu(x).data, gelu(x).data, geglu(wide.reshaped([74, 154]), inner: 77).data, softmax(logits).data,
             groupNorm(big, groups: 5, weight: nil, bias: nil, eps: 1e-6).data,
             multiHeadAttention(q: rng.tensor([1, 70, 64]), k: rng.tensor([1, 530, 64]), v: rng.tensor([1, 530, 64]), heads: 2).data]
        }
        ElementwiseISA.level = 0
        XCTAssertEqual(ElementwiseISA.level, 0)
        let r0 = rng
        let base = run()
        print("element-wise ISA levels on this CPU: best \(ElementwiseISA.best)")
        for level in 1...2 where level <= ElementwiseISA.best {
            ElementwiseISA.level = level
            XCTAssertEqual(ElementwiseISA.level, level)
            rng = r0
            let got = run()
            for (k, name) in ["silu", "gelu", "geglu", "softmax", "groupNorm", "attention"].enumerated() {
                let loose = name == "groupNorm" || name == "attention"
                close(got[k], base[k], "level \(level) \(name)", rel: loose ? 2e-5 : 4e-6, abs: loose ? 2e-5 : 1e-5)
            }
        }
    }
}
