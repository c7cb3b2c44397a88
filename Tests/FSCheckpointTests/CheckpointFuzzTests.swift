import Foundation
import XCTest
@testable import FSCheckpoint

/// Mutated checkpoints must end in a thrown error or a successful load: never a crash, a hang or an
/// out-of-bounds read. Mutations: random byte flips (biased toward the header / pickle / zip records
/// where they matter), truncations at every structural boundary, inflated lengths and bogus offsets.
final class CheckpointFuzzTests: XCTestCase {
    struct SplitMix { var s: UInt64; mutating func next() -> UInt64 { s &+= 0x9E37_79B9_7F4A_7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return z ^ (z >> 31) } }

    func testMutatedTinyCheckpoints() throws {
        // The real tiny files get 2,500 mutations each (their parse is the slow part); smaller checkpoints
        // derived from them (a 40-tensor safetensors subset, and a synthetic torch zip with shared strided
        // storage) take the rest, so the whole run stays near a minute in a debug build.
        var inputs: [(name: String, data: Data, count: Int)] = []
        if let root = SharedFixtures.root {
            for f in ["lvdm/tiny_vc2.ckpt", "lvdm/tiny_vc2.safetensors"] {
                inputs.append((f, try Data(contentsOf: root.appendingPathComponent(f)), 2_500))
            }
            let full = try SafeTensors.read(path: root.appendingPathComponent("lvdm/tiny_vc2.safetensors").path)
            let subset = StateDict(metadata: full.metadata)
            for k in full.keys.prefix(40) { subset[k] = full[k] }
            inputs.append(("subset.safetensors", try SafeTensors.encode(subset), 7_500))
            inputs.append(("synthetic.ckpt", TorchCheckpointTests.syntheticCheckpoint(), 7_500))
        } else {
            print("note: ../shared/fixtures is absent: fuzzing only the synthetic checkpoints")
            let sd = StateDict(metadata: ["kind": "synthetic"])
            sd["w"] = StoredTensor(dtype: .f16, shape: [3, 4], bytes: Data(count: 24))
            sd["b"] = StoredTensor(dtype: .f32, shape: [4], bytes: Data(count: 16))
            inputs.append(("synthetic.safetensors", try SafeTensors.encode(sd), 10_000))
            inputs.append(("synthetic.ckpt", TorchCheckpointTests.syntheticCheckpoint(), 10_000))
        }
        var rng = SplitMix(s: 42)
        var total = 0, loaded = 0
        let start = Date()
        for (name, original, count) in inputs {
            let boundaries = Self.boundaries(of: original)
            for i in 0..<count {
                var m = original
                switch i % 4 {
                case 0:   // truncation at a structural boundary (±2)
                    let b = boundaries[Int(rng.next() % UInt64(boundaries.count))] + Int(rng.next() % 5) - 2
                    m = m.prefix(Swift.max(0, Swift.min(m.count, b)))
                case 1:   // byte flips in the structural area
                    for _ in 0..<(1 + Int(rng.next() % 4)) {
                        let b = boundaries[Int(rng.next() % UInt64(boundaries.count))]
                        let pos = Swift.max(0, Swift.min(m.count - 1, b + Int(rng.next() % 64) - 32))
                        m[m.startIndex + pos] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                    }
                case 2:   // inflated length / bogus offset: overwrite 4 or 8 bytes near a boundary with a large value
                    let b = boundaries[Int(rng.next() % UInt64(boundaries.count))]
                    let pos = Swift.max(0, Swift.min(m.count - 8, b + Int(rng.next() % 32) - 16))
                    let v = [UInt64.max, UInt64(UInt32.max), UInt64(m.count) + rng.next() % 1000, rng.next()][Int(rng.next() % 4)]
                    for k in 0..<(rng.next() % 2 == 0 ? 4 : 8) { m[m.startIndex + pos + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
                default:  // random flips anywhere
                    for _ in 0..<(1 + Int(rng.next() % 8)) {
                        let pos = Int(rng.next() % UInt64(m.count))
                        m[m.startIndex + pos] = UInt8(truncatingIfNeeded: rng.next())
                    }
                }
                total += 1
                if (try? Checkpoint.load(data: m, source: name)) != nil { loaded += 1 }
            }
        }
        print("fuzz: \(total) mutated checkpoints, \(loaded) loaded, \(total - loaded) refused with an error, \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        XCTAssertGreaterThanOrEqual(total, 20_000)
    }

    /// Offsets where structure lives: the safetensors header, zip local/central records and pickle bytes.
    static func boundaries(of data: Data) -> [Int] {
        var out: Set<Int> = [0, 4, 8, data.count - 22, data.count - 1]
        let bytes = [UInt8](data)
        if bytes.count >= 8 && !(bytes[0] == 0x50 && bytes[1] == 0x4B) {
            var n = 0
            for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
            if n > 0 && n < bytes.count { out.insert(8 + n); for k in stride(from: 8, to: 8 + n, by: Swift.max(1, n / 400)) { out.insert(k) } }
        } else {
            var i = 0
            while i + 4 <= bytes.count {
                if bytes[i] == 0x50 && bytes[i + 1] == 0x4B && (bytes[i + 2] == 1 || bytes[i + 2] == 3 || bytes[i + 2] == 5 || bytes[i + 2] == 6) {
                    out.insert(i); out.insert(i + 18); out.insert(i + 26); out.insert(i + 42)
                }
                i += 1
            }
            // the pickle (first entry) — sample inside it
            for k in stride(from: 30, to: Swift.min(bytes.count, 170_000), by: 97) { out.insert(k) }
        }
        return out.filter { $0 >= 0 && $0 < Swift.max(bytes.count, 1) }.sorted()
    }
}
