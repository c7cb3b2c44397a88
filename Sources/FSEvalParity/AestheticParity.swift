import Foundation
import FSCheckpoint
import FSEval
import FSTensor

/// Parity runner for `eval/aesthetic` fixtures (../shared/fixtures/eval/aesthetic.safetensors): the tiny
/// CLIP tower under `param/visual.`, the LAION head under `param/`, four videos, every intermediate.
public enum AestheticParity {
    public static let cases = ["landscape_64x96", "portrait_120x90", "halfeven_60x84", "down_330x250"]

    public static func run(_ f: ParityFixture) throws -> ParityReport {
        var report = ParityReport(title: "VBench aesthetic quality (CLIP ViT + LAION head) — \(f.path)")
        let model = (f.json("config") as? [String: Any])?["model"] as? [String: Any]
        let visual = f.params.view("visual.")
        let config = try CLIPVisionConfig.inferred(from: visual, heads: (model?["heads"] as? NSNumber)?.intValue)
        let tower = try CLIPVisionTower(visual, config: config)
        let head = try AestheticHead(f.params, dim: config.outputDim, ignoring: ["visual."])
        let scorer = AestheticScorer(tower: tower, head: head, batch: 3)
        var scores: [Double] = []
        for (ci, name) in cases.enumerated() where f.has("input/\(name)/frames") {
            let v = try video(f.stored("input/\(name)/frames"))
            if f.has("debug/\(name)/resized_frame0") {
                try report.check("debug/\(name)/resized_frame0", got: CLIPPreprocess.resizedFirstFrame(v), fixture: f)
            }
            var probes: [String: Tensor] = [:]
            let (score, trace) = try scorer.score(v, keepPixels: true, probe: ci == 0 ? { probes[$0] = $1 } : nil)
            let pixels = Tensor(shape: [v.frames, 3, 224, 224], data: trace.pixelValues.flatMap(\.data))
            let d = config.outputDim
            try report.check("debug/\(name)/pixel_values", got: pixels, fixture: f)
            try report.check("debug/\(name)/image_features", got: Tensor(shape: [v.frames, d], data: trace.imageFeatures), fixture: f)
            try report.check("debug/\(name)/image_features_normalized",
                             got: Tensor(shape: [v.frames, d], data: trace.normalizedFeatures), fixture: f)
            try report.check("debug/\(name)/head_raw", got: Tensor(shape: [v.frames], data: trace.headRaw), fixture: f)
            for key in ["patch_tokens", "ln_pre"] + (0..<config.layers).map { "block_\($0)" } + ["ln_post_cls"]
            where f.has("debug/vit_frame0/\(key)") {
                if let t = probes[key] { try report.check("debug/vit_frame0/\(key)", got: t, fixture: f) }
            }
            try report.check("output/\(name)/score", got: [score], fixture: f)
            scores.append(score)
        }
        if f.has("output/mean_score") {
            try report.check("output/mean_score", got: [scores.reduce(0, +) / Double(max(scores.count, 1))], fixture: f)
        }
        return report
    }

    package static func video(_ t: StoredTensor) throws -> RGBVideo {
        guard t.shape.count == 4, t.shape[3] == 3, t.dtype == .u8 else {
            throw FSError("aesthetic fixture: frames must be U8 [T,H,W,3], got \(t.dtype.rawValue) \(t.shape)")
        }
        return RGBVideo(frames: t.shape[0], height: t.shape[1], width: t.shape[2], bytes: [UInt8](t.bytes))
    }
}
