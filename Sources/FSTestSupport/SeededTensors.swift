import FSTensor

/// Seeded pseudo-random test tensors drawn from FSTensor's `SplitMix64` (the same values on every machine).
public enum SeededTensors {
    /// Uniform in [−1, 1) (53-bit `SplitMix64.uniform`).
    public static func uniform(_ shape: [Int], seed: UInt64) -> Tensor {
        var g = SplitMix64(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(g.uniform() * 2 - 1) })
    }

    /// On the grid {−1, −0.999, …, 1} · `scale` (`next() % 2001`, exact in decimal).
    public static func grid(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var g = SplitMix64(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in (Float(g.next() % 2001) / 1000 - 1) * scale })
    }
}
