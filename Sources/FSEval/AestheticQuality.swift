import Foundation
import FSCheckpoint
import FSTensor

/// LAION's aesthetic predictor head (`sa_0_4_vit_l_14_linear.pth`): `nn.Linear(D, 1)` on the
/// L2-normalised CLIP image features. Keys `weight` [1, D] and `bias` [1]; kept in float32.
public struct AestheticHead: Sendable {
    public let weight: [Float]
    public let bias: Float

    /// `ignoring`: key prefixes that may sit beside the head (e.g. `visual.` when both live in one file).
    public init(_ weights: StateDictView, dim: Int, ignoring: [String] = []) throws {
        let w = WeightLoader(weights, what: "LAION aesthetic head")
        w.ignoredKeyPrefixes = ignoring
        weight = w.tensor("weight", shape: [1, dim]).data
        bias = w.tensor("bias", shape: [1]).data[0]
        try w.finish()
    }

    /// `F.normalize(f, dim=-1)` = f / max(‖f‖₂, 1e-12) for each row of [N, D].
    public static func normalized(_ f: Tensor) -> Tensor {
        let d = f.shape[f.rank - 1]
        var out = f
        for r in 0..<(f.count / d) {
            var s: Float = 0
            for j in 0..<d { s += f.data[r * d + j] * f.data[r * d + j] }
            let norm = Swift.max(s.squareRoot(), 1e-12)
            for j in 0..<d { out.data[r * d + j] = f.data[r * d + j] / norm }
        }
        return out
    }

    /// Raw head output per row of normalised features [N, D] → [N] (before VBench's `/ 10`).
    public func callAsFunction(_ normalized: Tensor) -> [Float] {
        let d = weight.count
        return (0..<(normalized.count / d)).map { r in
            var s: Float = 0
            for j in 0..<d { s += normalized.data[r * d + j] * weight[j] }
            return s + bias
        }
    }
}

/// VBench's aesthetic quality (`vbench/aesthetic_quality.py`, `laion_aesthetic`) for one decoded video:
/// every frame → `CLIPPreprocess` → CLIP image tower → L2-normalise → LAION head → `/ 10` → mean over frames.
public struct AestheticScorer: @unchecked Sendable {
    public let tower: CLIPVisionTower
    public let head: AestheticHead
    /// Frames per forward pass through the tower (every step is per frame, so this only changes speed).
    public var batch: Int

    public init(tower: CLIPVisionTower, head: AestheticHead, batch: Int = 8) {
        self.tower = tower; self.head = head; self.batch = Swift.max(1, batch)
    }

    /// The intermediate values of one video (for parity checks and per-video reports).
    public struct Trace {
        public var pixelValues: [Tensor] = []        // per batch [b, 3, 224, 224]
        public var imageFeatures: [Float] = []       // [T·D]
        public var normalizedFeatures: [Float] = []  // [T·D]
        public var headRaw: [Float] = []             // [T]
    }

    /// Per-video score: `mean(raw / 10)` over all frames (divide first, as the reference does).
    public func score(_ v: RGBVideo, keepPixels: Bool = false, probe: CLIPVisionTower.Probe? = nil,
                      framesDone: ((Int, Int) -> Void)? = nil) throws -> (score: Double, trace: Trace) {
        guard v.frames > 0 else { throw FSError("aesthetic quality: video has no frames") }
        var trace = Trace()
        var start = 0
        while start < v.frames {
            let range = start..<Swift.min(v.frames, start + batch)
            let pixels = CLIPPreprocess.pixelValues(v, frames: range)
            if keepPixels { trace.pixelValues.append(pixels) }
            let feats = try tower(pixels, probe: start == 0 ? probe : nil)
            let norm = AestheticHead.normalized(feats)
            trace.imageFeatures += feats.data
            trace.normalizedFeatures += norm.data
            trace.headRaw += head(norm)
            start = range.upperBound
            framesDone?(start, v.frames)
        }
        let score = trace.headRaw.reduce(0.0) { $0 + Double($1 / 10) } / Double(trace.headRaw.count)
        return (score, trace)
    }
}
