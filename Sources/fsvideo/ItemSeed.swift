import ArgumentParser
import Foundation
import FSTensor

/// The seed of every video in a batch, derived from (base seed, global prompt index, sample index) only, so a
/// video is the same whether the batch runs in one process or is split over any number of shards.
///
/// Item (0, 0) keeps the base seed itself (a one-prompt, one-sample run is exactly `generate PROMPT --seed N`);
/// every other item gets `SplitMix64` finalisers chained over the three numbers, cut to 53 bits so the seed
/// survives any JSON reader and can be passed back as `--seed` unchanged.
enum ItemSeed {
    static let mask: UInt64 = (1 << 53) - 1

    static func derive(base: UInt64, prompt: Int, sample: Int) -> UInt64 {
        if prompt == 0 && sample == 0 { return base }
        var h = mix(base ^ 0x6673_7669_6465_6f31)          // "fsvideo1"
        h = mix(h ^ UInt64(truncatingIfNeeded: prompt))
        h = mix(h ^ (UInt64(truncatingIfNeeded: sample) &* 0xD1B5_4A32_D192_ED03))
        return h & mask
    }

    /// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijection on 64 bits with full avalanche.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A fresh random base seed (53 bits) for `--seed -1`.
    static func random() -> UInt64 { UInt64.random(in: 0...mask) }

    /// A random-looking base seed every task of one scheduler job agrees on (for `--seed -1` in shards).
    static func fromJob(_ id: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325                // FNV-1a, then mixed
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return mix(h) & mask
    }
}

/// `--seed N` (0 … 2^64−1) or `--seed -1` (a random base seed, printed and recorded).
enum SeedChoice: ExpressibleByArgument, Equatable, CustomStringConvertible {
    case fixed(UInt64)
    case random

    init?(argument: String) {
        let t = argument.trimmingCharacters(in: .whitespaces)
        if t == "-1" { self = .random } else if let v = UInt64(t) { self = .fixed(v) } else { return nil }
    }

    var description: String {
        switch self { case .fixed(let v): return String(v); case .random: return "-1" }
    }

    var defaultValueDescription: String { description }
}
