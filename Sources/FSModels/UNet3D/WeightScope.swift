import Foundation
import FSCheckpoint
import FSTensor

/// Anything that hands out a model's weights by checkpoint key (relative to the model's prefix).
/// `WeightLoader` (checkpoint files, problems collected for one error) is the usual one; tests and
/// benchmarks use `SyntheticWeights` and `ParameterShapeRecorder`.
public protocol WeightSource: AnyObject {
    func tensor(_ key: String, shape: [Int]) -> Tensor
}

extension WeightLoader: WeightSource {}

/// A source plus the key prefix of one module (`input_blocks.4.0.`), so modules bind weights by their own
/// lvdm-relative names.
/// `precision` is what the GEMM-shaped layers built from this scope compute in (their weights are stored in
/// it); norms, embeddings and biases are always fp32 tensors.
package struct WeightScope {
    let source: WeightSource
    let prefix: String
    let precision: Precision

    package init(_ source: WeightSource, prefix: String = "", precision: Precision = .fp32) {
        self.source = source; self.prefix = prefix; self.precision = precision
    }

    func callAsFunction(_ key: String, _ shape: [Int]) -> Tensor { source.tensor(prefix + key, shape: shape) }
    func scope(_ name: String) -> WeightScope { WeightScope(source, prefix: prefix + name + ".", precision: precision) }
    /// The same scope with layers computing in `p` (e.g. fp32 for the layers that stay fp32 in bf16 mode).
    func with(_ p: Precision) -> WeightScope { WeightScope(source, prefix: prefix, precision: p) }

    /// A Linear weight [out, in] (or a kernel-1 Conv1d weight) in this scope's precision.
    func linearWeight(_ key: String, _ shape: [Int]) -> LinearWeight {
        let t = self(key, shape)
        let (rows, cols) = (shape[0], shape.dropFirst().reduce(1, *))
        return LinearWeight(t.count == rows * cols ? t.reshaped([rows, cols]) : t, precision: precision)
    }
    func convWeight(_ key: String, _ shape: [Int]) -> ConvWeight { ConvWeight(self(key, shape), precision: precision) }
}

/// Seeded random weights (weights ~ N(0, 1/fan_in), biases and norm shifts small, norm scales ≈ 1),
/// for benchmarks and tests that need a full-size model without a checkpoint.
public final class SyntheticWeights: WeightSource {
    private var state: UInt64
    public private(set) var requested: [String: [Int]] = [:]

    public init(seed: UInt64) { state = seed &* 0x9E3779B97F4A7C15 | 1 }

    private func nextUniform() -> Float {
        // xorshift64*
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        let r = state &* 2685821657736338717
        return Float(r >> 40) / Float(1 << 24)
    }

    public func tensor(_ key: String, shape: [Int]) -> Tensor {
        requested[key] = shape
        let n = shape.reduce(1, *)
        let fanIn = shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1
        // Uniform with the target standard deviation (√3·σ bounds).
        let sigma: Float
        var mean: Float = 0
        if shape.count == 1 {
            // every 1-D weight of the UNet is a GroupNorm/LayerNorm scale
            if key.hasSuffix("weight") { mean = 1; sigma = 0.1 } else { sigma = 0.05 }
        } else {
            sigma = 1 / Float(fanIn).squareRoot()
        }
        let a = sigma * Float(3).squareRoot()
        return Tensor(shape: shape) { buf in
            for i in 0..<n { buf[i] = mean + a * (2 * nextUniform() - 1) }
        }
    }
}

/// Records the key → shape every module asks for without allocating weights (the returned tensors are
/// empty placeholders: a model built over this source must not be run).
public final class ParameterShapeRecorder: WeightSource {
    public private(set) var requested: [String: [Int]] = [:]
    public init() {}
    public func tensor(_ key: String, shape: [Int]) -> Tensor {
        requested[key] = shape
        return Tensor(shape: [0], data: [])
    }
}
