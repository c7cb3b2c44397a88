import XCTest
import FSTensor
@testable import FSEval

/// The evaluation kernels against naive scalar implementations written here.
final class KernelTests: XCTestCase {
    func random(_ shape: [Int], _ seed: UInt64) -> Tensor {
        var g = SplitMix64(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(g.uniform() * 2 - 1) })
    }

    func testConv3DMatchesNaive() {
        let x = random([2, 3, 5, 7, 6], 1), w = random([4, 3, 3, 2, 3], 2), b = random([4], 3)
        let stride = [2, 1, 2], pf = [1, 0, 2], pb = [2, 1, 0]
        let y = EvalConv.conv3d(x, weight: w, bias: b, stride: stride, padFront: pf, padBack: pb)
        let to = (5 + 3 - 3) / 2 + 1, ho = (7 + 1 - 2) / 1 + 1, wo = (6 + 2 - 3) / 2 + 1
        XCTAssertEqual(y.shape, [2, 4, to, ho, wo])
        var maxErr: Float = 0
        for n in 0..<2 { for o in 0..<4 { for t in 0..<to { for i in 0..<ho { for j in 0..<wo {
            var s = b.data[o]
            for c in 0..<3 { for a in 0..<3 { for p in 0..<2 { for q in 0..<3 {
                let ti = t * 2 - 1 + a, hi = i - 0 + p, wi = j * 2 - 2 + q
                if ti < 0 || ti >= 5 || hi < 0 || hi >= 7 || wi < 0 || wi >= 6 { continue }
                s += x[n, c, ti, hi, wi] * w[o, c, a, p, q]
            } } } }
            maxErr = max(maxErr, abs(s - y[n, o, t, i, j]))
        } } } } }
        XCTAssertLessThan(maxErr, 1e-5)
    }

    func testSamePaddingRule() {
        // Conv3d_1a (k 7, s 2): even size pads 2 before / 3 after, odd size 3 / 3.
        XCTAssertTrue(SamePadding.pad(size: 200, kernel: 7, stride: 2) == (2, 3))
        XCTAssertTrue(SamePadding.pad(size: 193, kernel: 7, stride: 2) == (3, 3))
        XCTAssertTrue(SamePadding.pad(size: 9, kernel: 2, stride: 2) == (0, 1))
    }

    func testMaxPoolMatchesNaive() {
        let x = random([1, 2, 5, 6, 7], 4).mapped { abs($0) }
        let y = SamePadding.maxPool3d(x, kernel: [3, 3, 3], stride: [2, 2, 2])
        XCTAssertEqual(y.shape, [1, 2, 3, 3, 4])
        for c in 0..<2 { for t in 0..<3 { for i in 0..<3 { for j in 0..<4 {
            var m: Float = 0   // zero padding (inputs are non-negative)
            for a in 0..<3 { for p in 0..<3 { for q in 0..<3 {
                let (ft, _) = SamePadding.pad(size: 5, kernel: 3, stride: 2)
                let (fh, _) = SamePadding.pad(size: 6, kernel: 3, stride: 2)
                let (fw, _) = SamePadding.pad(size: 7, kernel: 3, stride: 2)
                let ti = t * 2 - ft + a, hi = i * 2 - fh + p, wi = j * 2 - fw + q
                if ti < 0 || ti >= 5 || hi < 0 || hi >= 6 || wi < 0 || wi >= 7 { continue }
                m = max(m, x[0, c, ti, hi, wi])
            } } }
            XCTAssertEqual(m, y[0, c, t, i, j])
        } } } }
    }

    func testPadderReplicatesEdges() {
        let p = RAFTPadder(height: 122, width: 155)
        XCTAssertEqual([p.left, p.right, p.top, p.bottom], [2, 3, 3, 3])
        let x = random([1, 1, 3, 5], 5)
        let q = RAFTPadder(height: 3, width: 5)
        let y = q.pad(x)
        XCTAssertEqual(y.shape, [1, 1, 8, 8])
        for i in 0..<8 { for j in 0..<8 {
            let si = min(max(i - q.top, 0), 2), sj = min(max(j - q.left, 0), 4)
            XCTAssertEqual(y[0, 0, i, j], x[0, 0, si, sj])
        } }
        XCTAssertEqual(q.unpad(y).data, x.data)
    }

    func testTargetSizeCeilTrap() {
        XCTAssertTrue(FVDPreprocess.targetSize(height: 54, width: 48) == (253, 224))
        XCTAssertTrue(FVDPreprocess.targetSize(height: 90, width: 120) == (224, 299))
        XCTAssertTrue(FVDPreprocess.targetSize(height: 64, width: 64) == (224, 224))
        XCTAssertEqual(FVDPreprocess.quantize(0.5), 127)
    }
}

final class CorrelationModeTests: XCTestCase {
    /// The on-the-fly lookup (pooled image-2 features) equals the materialised pyramid's lookup.
    func testOnTheFlyLookupMatchesPyramid() {
        var g = SplitMix64(seed: 9)
        let f1 = Tensor(shape: [1, 32, 17, 22], data: (0..<(32 * 17 * 22)).map { _ in Float(g.normal()) })
        let f2 = Tensor(shape: [1, 32, 17, 22], data: (0..<(32 * 17 * 22)).map { _ in Float(g.normal()) })
        var coords = Tensor(zeros: [1, 2, 17, 22])
        for y in 0..<17 { for x in 0..<22 {
            coords[0, 0, y, x] = Float(x) + Float(g.uniform() * 9 - 4.5)
            coords[0, 1, y, x] = Float(y) + Float(g.uniform() * 9 - 4.5)
        } }
        let a = RAFTCorrelation(f1, f2, materialise: true).lookup(coords)
        let b = RAFTCorrelation(f1, f2, materialise: false).lookup(coords)
        let err = zip(a.data, b.data).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(err, 1e-5)
        // Level 0 at integer offsets is the plain dot product / sqrt(C).
        var zero = Tensor(zeros: [1, 2, 17, 22])
        for y in 0..<17 { for x in 0..<22 { zero[0, 0, y, x] = Float(x); zero[0, 1, y, x] = Float(y) } }
        let c = RAFTCorrelation(f1, f2, materialise: false).lookup(zero)
        let (y, x) = (5, 7)   // window centre a = b = 4 samples (x, y) itself
        var dot: Float = 0
        for k in 0..<32 { dot += f1[0, k, y, x] * f2[0, k, y, x] }
        XCTAssertEqual(c[0, 4 * 9 + 4, y, x], dot / Float(32).squareRoot(), accuracy: 1e-5)
    }
}
