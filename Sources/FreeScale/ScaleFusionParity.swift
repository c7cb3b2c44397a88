// Parity runner for kind `scale_fusion` (../shared/fixtures/freescale/README.md).
import Foundation
import FSCheckpoint
import FSModels
import FSTensor

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
            let x = try f.input("\(cs.name)/hidden_states")
            guard cs.grid.count == 2 else { throw FSError("\(f.path): case \(cs.name): grid must be [h, w]") }
            let attn = try attention(f.params.view("\(cs.name)/attn1."), dim: x.shape[2], heads: cs.heads)
            let settings = ScaleFusionSettings(scaleH: cs.scale, scaleW: cs.scale, fast: cs.fast_mode, jitter: false)
            var rng: SplitMix64? = nil
            let fused = try ScaleFusion.fuse(x, height: cs.grid[0], width: cs.grid[1], frames: x.shape[0],
                                             settings: settings, rng: &rng, attention: attn)
            try report.check("output/\(cs.name)/global", got: attn.selfAttention(x), fixture: f)
            try report.check("output/\(cs.name)/fused", got: fused, fixture: f)
        }
        return report
    }

    /// The UNet's own attention module over a case's `attn1.` weights (to_q/to_k/to_v, to_out.0).
    static func attention(_ view: StateDictView, dim: Int, heads: Int) throws -> CrossAttention {
        guard let inner = view["to_q.weight"]?.shape.first, heads > 0, inner % heads == 0 else {
            throw FSError("scale_fusion: '\(view.prefix)to_q.weight' is missing or not split into \(heads) heads")
        }
        let weights = WeightLoader(view, what: "scale_fusion attention")
        let attn = CrossAttention(selfAttention: weights, dim: dim, heads: heads, headDim: inner / heads)
        try weights.finish()
        return attn
    }
}
