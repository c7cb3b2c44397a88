import Foundation

/// SplitMix64: the small deterministic generator for everything that is not diffusion noise — synthetic
/// weights and test clips, FreeScale's window jitter (seeded from the run's seed, the stage and the call
/// index, so results do not depend on thread count or timing). Diffusion noise uses FSDiffusion's Philox.
public struct SplitMix64: Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        let n = UInt64(range.upperBound - range.lowerBound + 1)
        if n <= 1 { return range.lowerBound }
        return range.lowerBound + Int(next() % n)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller, one value per call).
    public mutating func normal() -> Double {
        let u = Swift.max(uniform(), 1e-300), v = uniform()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }

    /// Mixes several values into one seed.
    public static func seed(_ parts: UInt64...) -> UInt64 {
        var g = SplitMix64(seed: 0x5EED)
        var acc: UInt64 = 0
        for p in parts { g.state ^= p; acc = g.next() }
        return acc
    }
}
