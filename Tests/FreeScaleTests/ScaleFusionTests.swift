import FSCheckpoint
import FSModels
import FSTensor
@testable import FreeScale
import XCTest

final class ScaleFusionTests: XCTestCase {
    func testFixtureParity() throws {
        let path = try sharedFixture("freescale/scale_fusion.safetensors")
        let report = try ScaleFusionParity.run(ParityFixture(path: path))
        print(report)
        XCTAssertTrue(report.passed, report.description)
    }

    /// Window starts as the reference's get_views lays them out (values computed with its code).
    func testWindowStartsMatchReference() {
        XCTAssertEqual(FusionWindows.starts(length: 16, window: 8), [0, 4, 8])
        XCTAssertEqual(FusionWindows.starts(length: 24, window: 8), [0, 4, 8, 12, 16])
        XCTAssertEqual(FusionWindows.starts(length: 80, window: 40), [0, 20, 40])
        XCTAssertEqual(FusionWindows.starts(length: 20, window: 5), [0, 2, 4, 6, 8, 10, 12, 14, 15])
        XCTAssertEqual(FusionWindows.starts(length: 10, window: 5), [0, 2, 4, 5])
        XCTAssertEqual(FusionWindows.starts(length: 9, window: 9), [0])
    }

    func testJitterStaysInRangeAndIsSeeded() {
        var a: SplitMix64? = SplitMix64(seed: 7), b: SplitMix64? = SplitMix64(seed: 7)
        let la = FusionWindows.layout(gridHeight: 80, gridWidth: 128, windowHeight: 40, windowWidth: 64, rng: &a)
        let lb = FusionWindows.layout(gridHeight: 80, gridWidth: 128, windowHeight: 40, windowWidth: 64, rng: &b)
        XCTAssertEqual(la, lb)
        for wdw in la {
            XCTAssertTrue((-5)...45 ~= wdw.top && (-8)...72 ~= wdw.left, "\(wdw)")
        }
    }

    /// Attention weights by lvdm key (`to_q.weight`, …, `to_out.0.bias`), as a model's weight source.
    final class AttentionWeights: WeightSource {
        let tensors: [String: Tensor]
        let heads: Int
        init(_ tensors: [String: Tensor], heads: Int) { self.tensors = tensors; self.heads = heads }
        func tensor(_ key: String, shape: [Int]) -> Tensor {
            precondition(tensors[key]?.shape == shape, "\(key): \(shape)")
            return tensors[key]!
        }
        /// The UNet's attention module over these weights.
        var module: CrossAttention {
            let c = tensors["to_q.weight"]!.shape[0]
            return CrossAttention(selfAttention: self, dim: c, heads: heads, headDim: c / heads)
        }
    }

    /// Naive multi-head self-attention written out with scalar loops.
    func naiveAttention(_ x: Tensor, _ weights: AttentionWeights) -> Tensor {
        let w = weights.tensors, heads = weights.heads
        let (b, n, c) = (x.shape[0], x.shape[1], x.shape[2]), d = c / heads
        func proj(_ m: Tensor) -> [Float] {
            var out = [Float](repeating: 0, count: b * n * c)
            for i in 0..<(b * n) { for o in 0..<c { var s: Float = 0; for k in 0..<c { s += x.data[i * c + k] * m.data[o * c + k] }; out[i * c + o] = s } }
            return out
        }
        let q = proj(w["to_q.weight"]!), k = proj(w["to_k.weight"]!), v = proj(w["to_v.weight"]!)
        var att = [Float](repeating: 0, count: b * n * c)
        for bi in 0..<b { for hd in 0..<heads { for i in 0..<n {
            var s = [Float](repeating: 0, count: n)
            for j in 0..<n { var acc: Float = 0; for e in 0..<d { acc += q[(bi * n + i) * c + hd * d + e] * k[(bi * n + j) * c + hd * d + e] }; s[j] = acc / Float(d).squareRoot() }
            let mx = s.max()!; var z: Float = 0
            for j in 0..<n { s[j] = exp(s[j] - mx); z += s[j] }
            for e in 0..<d { var acc: Float = 0; for j in 0..<n { acc += s[j] * v[(bi * n + j) * c + hd * d + e] }; att[(bi * n + i) * c + hd * d + e] = acc / z }
        } } }
        var out = [Float](repeating: 0, count: b * n * c)
        for i in 0..<(b * n) { for o in 0..<c { var s: Float = w["to_out.0.bias"]!.data[o]; for kk in 0..<c { s += att[i * c + kk] * w["to_out.0.weight"]!.data[o * c + kk] }; out[i * c + o] = s } }
        return Tensor(shape: x.shape, data: out)
    }

    func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var g = SplitMix64(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in (Float(g.next() % 2001) / 1000 - 1) * scale })
    }

    func randomWeights(c: Int, heads: Int) -> AttentionWeights {
        AttentionWeights(["to_q.weight": randomTensor([c, c], seed: 1, scale: 0.3), "to_k.weight": randomTensor([c, c], seed: 2, scale: 0.3),
                          "to_v.weight": randomTensor([c, c], seed: 3, scale: 0.3), "to_out.0.weight": randomTensor([c, c], seed: 4, scale: 0.3),
                          "to_out.0.bias": randomTensor([c], seed: 5, scale: 0.1)], heads: heads)
    }

    /// Scale 1: one window covers the whole grid, so the fused output is plain attention.
    func testScaleOneEqualsPlainAttention() throws {
        let x = randomTensor([2, 6 * 10, 8], seed: 11)
        let w = randomWeights(c: 8, heads: 2)
        var rng: SplitMix64? = SplitMix64(seed: 3)
        let fused = try ScaleFusion.fuse(x, height: 6, width: 10, frames: 2,
                                         settings: ScaleFusionSettings(scaleH: 1, scaleW: 1), rng: &rng, attention: w.module)
        let ref = naiveAttention(x, w)
        for (a, b) in zip(fused.data, ref.data) { XCTAssertEqual(a, b, accuracy: 2e-5) }
    }

    /// Identical frames in, identical fused frames out (window layout and jitter shared by all frames).
    func testIdenticalFramesGiveIdenticalOutputs() throws {
        let frame = randomTensor([1, 12 * 16, 8], seed: 21)
        let x = Tensor.concat([frame, frame, frame, frame], axis: 0)
        let w = randomWeights(c: 8, heads: 2).module
        for fast in [false, true] {
            var rng: SplitMix64? = SplitMix64(seed: 9)
            let y = try ScaleFusion.fuse(x, height: 12, width: 16, frames: 4,
                                         settings: ScaleFusionSettings(scaleH: 2, scaleW: 2, fast: fast, jitter: true,
                                                                       temporalSigma: 1), rng: &rng, attention: w)
            let n = 12 * 16 * 8
            for f in 1..<4 {
                let d = (0..<n).map { abs(y.data[$0] - y.data[f * n + $0]) }.max()!
                XCTAssertLessThan(d, 1e-6, "fast \(fast): frame \(f) differs from frame 0 by \(d)")
            }
        }
    }
}
