import Foundation
import FSTensor

/// fsvideo's one random source: a counter-based generator, so a value depends only on (seed, stream,
/// element index) — never on thread count, chunking or the machine.
///
/// Definition (documented in docs/usage.md):
/// * Philox-4x32-10 (Salmon et al., SC'11) with key (seed low 32 bits, seed high 32 bits) and the 128-bit
///   counter (block low 32, block high 32, stream low 32, stream high 32), where `block` = element index / 4.
/// * One block gives four uint32 u0…u3, turned into uniforms in (0, 1] as (u + 1)·2⁻³² (never 0).
/// * Box–Muller: element 4k + 0 = r0·cos(2π·v1), 4k + 1 = r0·sin(2π·v1) with r0 = √(−2 ln v0), and the
///   same with (v2, v3) for 4k + 2 and 4k + 3. Computed in Float64, rounded to Float32.
/// Streams name what the noise is for (`NoiseStream`), so adding a draw never shifts another one.
public struct SeededNoise: Sendable {
    public let seed: UInt64
    public init(seed: UInt64) { self.seed = seed }

    /// Standard normal noise of `shape` from `stream`.
    public func normal(_ shape: [Int], stream: NoiseStream) -> Tensor {
        let n = shape.reduce(1, *)
        var out = Tensor(zeros: shape)
        let key0 = UInt32(truncatingIfNeeded: seed), key1 = UInt32(truncatingIfNeeded: seed >> 32)
        let s0 = UInt32(truncatingIfNeeded: stream.id), s1 = UInt32(truncatingIfNeeded: stream.id >> 32)
        let blocks = (n + 3) / 4
        out.data.withUnsafeMutableBufferPointer { buf in
            let base = buf.baseAddress!
            ParallelFor.run(blocks, minChunk: 1024) { range in
                for blk in range {
                    let b = UInt64(blk)
                    let u = Philox4x32.block(counter: (UInt32(truncatingIfNeeded: b), UInt32(truncatingIfNeeded: b >> 32), s0, s1),
                                             key: (key0, key1))
                    let z = Self.boxMuller(u)
                    let i0 = blk * 4
                    for j in 0..<4 where i0 + j < n { base[i0 + j] = z[j] }
                }
            }
        }
        return out
    }

    /// Uniform values in (0, 1] from `stream` (same counter layout as `normal`, one uint32 per value).
    public func uniform(count n: Int, stream: NoiseStream) -> [Double] {
        let key0 = UInt32(truncatingIfNeeded: seed), key1 = UInt32(truncatingIfNeeded: seed >> 32)
        let s0 = UInt32(truncatingIfNeeded: stream.id), s1 = UInt32(truncatingIfNeeded: stream.id >> 32)
        var out = [Double](repeating: 0, count: n)
        for blk in 0..<((n + 3) / 4) {
            let b = UInt64(blk)
            let u = Philox4x32.block(counter: (UInt32(truncatingIfNeeded: b), UInt32(truncatingIfNeeded: b >> 32), s0, s1),
                                     key: (key0, key1))
            for j in 0..<4 where blk * 4 + j < n { out[blk * 4 + j] = Self.unit(u[j]) }
        }
        return out
    }

    @inline(__always) static func unit(_ u: UInt32) -> Double { (Double(u) + 1) * 0x1p-32 }

    @inline(__always) static func boxMuller(_ u: [UInt32]) -> [Float] {
        let r0 = (-2 * log(unit(u[0]))).squareRoot(), t0 = 2 * Double.pi * unit(u[1])
        let r1 = (-2 * log(unit(u[2]))).squareRoot(), t1 = 2 * Double.pi * unit(u[3])
        return [Float(r0 * cos(t0)), Float(r0 * sin(t0)), Float(r1 * cos(t1)), Float(r1 * sin(t1))]
    }
}

/// What a draw is for. `id` = purpose << 48 | stage << 32 | index, so every draw of a run has its own stream.
public struct NoiseStream: Hashable, Sendable {
    public let id: UInt64
    public init(id: UInt64) { self.id = id }
    public init(purpose: UInt16, stage: Int = 0, index: Int = 0) {
        id = UInt64(purpose) << 48 | UInt64(UInt16(truncatingIfNeeded: stage)) << 32 | UInt64(UInt32(truncatingIfNeeded: index))
    }
    /// x_T of stage `stage` (0 = the base generation).
    public static func initialLatent(stage: Int = 0) -> NoiseStream { NoiseStream(purpose: 1, stage: stage) }
    /// The η-noise of DDIM sampling step `step` (0 = first step) in stage `stage`.
    public static func ddimStep(_ step: Int, stage: Int = 0) -> NoiseStream { NoiseStream(purpose: 2, stage: stage, index: step) }
    public static func custom(purpose: UInt16, stage: Int = 0, index: Int = 0) -> NoiseStream {
        NoiseStream(purpose: purpose, stage: stage, index: index)
    }
}

/// Philox-4x32 with 10 rounds (the constants of Random123).
public enum Philox4x32 {
    @inline(__always)
    public static func block(counter c: (UInt32, UInt32, UInt32, UInt32), key k: (UInt32, UInt32)) -> [UInt32] {
        var (x0, x1, x2, x3) = c
        var (k0, k1) = k
        for r in 0..<10 {
            if r > 0 { k0 = k0 &+ 0x9E37_79B9; k1 = k1 &+ 0xBB67_AE85 }
            let p0 = UInt64(0xD251_1F53) * UInt64(x0), p1 = UInt64(0xCD9E_8D57) * UInt64(x2)
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            (x0, x1, x2, x3) = (hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0)
        }
        return [x0, x1, x2, x3]
    }
}
