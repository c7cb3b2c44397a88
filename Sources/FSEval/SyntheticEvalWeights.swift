import Foundation
import FSCheckpoint
import FSTensor

/// Seeded random weights with the layout of the real checkpoints (for benchmarks and end-to-end tests
/// without the users' `i3d_pretrained_400.pt` / `raft-things.pth`). Scales keep activations O(1):
/// conv weights N(0,1)·√(gain/fan_in), BatchNorm weight U(0.6,1.4), bias/mean U(−0.2,0.2), var 0.5+U(0,1).
public enum SyntheticEvalWeights {
    /// Keys and shapes a model asks for (collected by constructing it over an empty state dict).
    static func shapes(_ build: (WeightLoader) -> Void) -> [String: [Int]] {
        let w = WeightLoader(StateDict().view(prefix: ""), what: "synthetic")
        build(w)
        return w.requested
    }

    public static func i3d(seed: UInt64 = 1) -> StateDict {
        make(shapes { _ = I3D(loader: $0, config: I3DConfig()) }, seed: seed, convGain: 1.6)
    }

    /// RAFT weights with the checkpoint's `module.` prefix (as in raft-things.pth).
    public static func raft(seed: UInt64 = 2) -> StateDict {
        let sd = make(shapes { _ = RAFT(loader: $0) }, seed: seed, convGain: 1.0)
        let out = StateDict(source: "synthetic RAFT weights")
        for k in sd.keys { out["module." + k] = sd[k] }
        // The duplicated BatchNorm (norm3 / downsample.1) holds identical values in the real file.
        for k in sd.keys where k.contains(".downsample.1.") {
            out["module." + k.replacingOccurrences(of: ".downsample.1.", with: ".norm3.")] = sd[k]
        }
        return out
    }

    /// A CLIP image tower (OpenAI key names under `visual.`, F32) for `config`; heads come out as
    /// width / 64 when the configuration is inferred back from the weights.
    public static func clip(_ config: CLIPVisionConfig, seed: UInt64 = 3) -> StateDict {
        let sd = StateDict(source: "synthetic CLIP weights")
        for (key, shape) in CLIPVisionWeights.layout(config) {
            var rng = SplitMix64(seed: seed &+ UInt64(truncatingIfNeeded: key.hashValueStable))
            let n = shape.reduce(1, *), fanIn = shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1
            let isScale = shape.count == 1 && key.hasSuffix(".weight")
            let values = (0..<n).map { _ -> Float in
                if isScale { return Float(0.6 + 0.8 * rng.uniform()) }
                if key.hasSuffix("embedding") { return Float(0.5 * rng.normal()) }
                if shape.count == 1 { return Float(0.2 * (2 * rng.uniform() - 1)) }
                let std = key.hasSuffix("proj") ? (1 / Double(shape[0])).squareRoot() : (1 / Double(fanIn)).squareRoot()
                return Float(rng.normal() * std)
            }
            sd[key] = StoredTensor(dtype: .f32, shape: shape, bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
        }
        return sd
    }

    /// A LAION-style head `weight` [1, dim], `bias` [1] giving scores around 0.5 … 0.7.
    public static func aestheticHead(dim: Int, seed: UInt64 = 4) -> StateDict {
        var rng = SplitMix64(seed: seed)
        let w = (0..<dim).map { _ in Float(rng.normal() * 2) }
        let sd = StateDict(source: "synthetic aesthetic head")
        sd["weight"] = StoredTensor(dtype: .f32, shape: [1, dim], bytes: w.withUnsafeBufferPointer { Data(buffer: $0) })
        sd["bias"] = StoredTensor(dtype: .f32, shape: [1], bytes: [Float(6)].withUnsafeBufferPointer { Data(buffer: $0) })
        return sd
    }

    static func make(_ shapes: [String: [Int]], seed: UInt64, convGain: Double) -> StateDict {
        let sd = StateDict(source: "synthetic weights")
        for key in shapes.keys.sorted() {
            let shape = shapes[key]!
            var rng = SplitMix64(seed: seed &+ UInt64(truncatingIfNeeded: key.hashValueStable))
            let n = shape.reduce(1, *)
            let fanIn = shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1
            let isVar = key.hasSuffix("running_var")
            let isScale = key.hasSuffix("bn.weight") || (key.contains("norm") && key.hasSuffix(".weight")) || key.hasSuffix("downsample.1.weight")
            let std = (convGain / Double(fanIn)).squareRoot()
            var values = [Float](repeating: 0, count: n)
            for i in 0..<n {
                if isVar { values[i] = Float(0.5 + rng.uniform()) }
                else if isScale { values[i] = Float(0.6 + 0.8 * rng.uniform()) }
                else if shape.count == 1 { values[i] = Float(0.2 * (2 * rng.uniform() - 1)) }
                else { values[i] = Float(rng.normal() * std) }
            }
            let bytes = values.withUnsafeBufferPointer { Data(buffer: $0) }
            sd[key] = StoredTensor(dtype: .f32, shape: shape, bytes: bytes)
        }
        return sd
    }
}

extension String {
    /// FNV-1a hash (stable across runs, unlike `hashValue`).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
