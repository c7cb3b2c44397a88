// Parity runner for kind `scale_fusion` (../shared/fixtures/freescale/README.md).
import Foundation
import FSCheckpoint
import FSTensor

/// lvdm `CrossAttention` used as self-attention: to_q/to_k/to_v (no bias), to_out.0 (weight + bias).
public struct SelfAttentionWeights: Sendable {
    public var toQ: Tensor, toK: Tensor, toV: Tensor, outWeight: Tensor, outBias: Tensor?
    public var heads: Int

    public init(toQ: Tensor, toK: Tensor, toV: Tensor, outWeight: Tensor, outBias: Tensor?, heads: Int) {
        self.toQ = toQ; self.toK = toK; self.toV = toV; self.outWeight = outWeight; self.outBias = outBias
        self.heads = heads
    }

    /// Binds `to_q.weight`, `to_k.weight`, `to_v.weight`, `to_out.0.weight`, `to_out.0.bias` of a view.
    public init(view: StateDictView, heads: Int) throws {
        func t(_ k: String) throws -> Tensor {
            guard let s = view[k] else { throw FSError("missing attention weight '\(view.prefix)\(k)'") }
            return s.tensor()
        }
        try self.init(toQ: t("to_q.weight"), toK: t("to_k.weight"), toV: t("to_v.weight"),
                      outWeight: t("to_out.0.weight"), outBias: view["to_out.0.bias"]?.tensor(), heads: heads)
    }

    /// [B, n, C] → [B, n, C].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        outputProjection(attend(q: queries(x), k: keys(x), v: values(x)))
    }
}

extension SelfAttentionWeights: ProjectedSelfAttention {
    public func queries(_ x: Tensor) -> Tensor { linear(x, weight: toQ, bias: nil) }
    public func keys(_ x: Tensor) -> Tensor { linear(x, weight: toK, bias: nil) }
    public func values(_ x: Tensor) -> Tensor { linear(x, weight: toV, bias: nil) }
    public func attend(q: Tensor, k: Tensor, v: Tensor) -> Tensor { multiHeadAttention(q: q, k: k, v: v, heads: heads) }
    public func outputProjection(_ x: Tensor) -> Tensor { linear(x, weight: outWeight, bias: outBias) }
    public var outputWeight: Tensor { outWeight }
}

public enum ScaleFusionParity {
    struct Config: Decodable {
        struct Case: Decodable {
            let name: String
            let scale: Double
            let grid: [Int]
            let heads: Int
            let fast_mode: Bool
        }
        let cases: [Case]
    }

    public static func run(_ f: ParityFixture) throws -> ParityReport {
        guard let data = f.configJSON, let config = try? JSONDecoder().decode(Config.self, from: data) else {
            throw FSError("\(f.path): scale_fusion fixture lacks a readable 'config' with cases")
        }
        var report = ParityReport(title: "scale_fusion (\(f.path))")
        for cs in config.cases {
            let attn = try SelfAttentionWeights(view: f.params.view("\(cs.name)/attn1."), heads: cs.heads)
            let x = try f.input("\(cs.name)/hidden_states")
            guard cs.grid.count == 2 else { throw FSError("\(f.path): case \(cs.name): grid must be [h, w]") }
            let settings = ScaleFusionSettings(scaleH: cs.scale, scaleW: cs.scale, fast: cs.fast_mode, jitter: false)
            var rng: SplitMix64? = nil
            let fused = try ScaleFusion.fuse(x, height: cs.grid[0], width: cs.grid[1], frames: x.shape[0],
                                             settings: settings, rng: &rng, attention: attn)
            try report.check("output/\(cs.name)/global", got: attn(x), fixture: f)
            try report.check("output/\(cs.name)/fused", got: fused, fixture: f)
        }
        return report
    }
}
