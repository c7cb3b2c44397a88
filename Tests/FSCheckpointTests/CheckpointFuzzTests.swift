import Foundation
import XCTest
@testable import FSCheckpoint
import FSTensor

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
        // Outcomes: refused with an error, loaded unchanged in structure (a flip inside tensor data, or in
        // bytes the format ignores), loaded with another structure (a flip in a key name). Unexpected: a
        // truncated file that loads, or a load whose tensors do not hold shape × dtype bytes.
        var total = 0, refused = 0, loadedSame = 0, loadedAltered = 0
        var unexpected: [String] = []
        var slowest = 0.0
        let start = Date()
        for (name, original, count) in inputs {
            let reference = try Checkpoint.load(data: original, source: name)
            let structure = Self.structure(of: reference)
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
                let t0 = Date()
                let result = Result { try Checkpoint.load(data: m, source: name) }
                slowest = Swift.max(slowest, Date().timeIntervalSince(t0))
                switch result {
                case .failure(let error):
                    refused += 1
                    if (error as? FSError)?.message.isEmpty != false { unexpected.append("\(name) #\(i): refused without a message: \(error)") }
                case .success(let sd):
                    if m.count < original.count { unexpected.append("\(name) #\(i): truncated to \(m.count) of \(original.count) bytes, yet loaded") }
                    for (k, t) in sd.tensors where t.bytes.count != t.elementCount * t.dtype.byteSize {
                        unexpected.append("\(name) #\(i): tensor \(k) holds \(t.bytes.count) bytes for shape \(t.shape) \(t.dtype)")
                    }
                    if Self.structure(of: sd) == structure { loadedSame += 1 } else { loadedAltered += 1 }
                }
            }
        }
        print("fuzz: \(total) mutated checkpoints: \(refused) refused with an error, \(loadedSame) loaded with the original structure, "
              + "\(loadedAltered) loaded with an altered structure, \(unexpected.count) unexpected; slowest load "
              + String(format: "%.3f s, total %.1f s", slowest, Date().timeIntervalSince(start)))
        XCTAssertEqual(refused + loadedSame + loadedAltered, total)
        XCTAssertGreaterThan(refused, total / 4, "most structural mutations must be refused")
        XCTAssertTrue(unexpected.isEmpty, unexpected.prefix(10).joined(separator: "\n"))
        XCTAssertLessThan(slowest, 5, "a mutated checkpoint took \(slowest) s to load or refuse (a hang)")
    }

    /// Keys with their dtypes and shapes.
    static func structure(of sd: StateDict) -> [String: String] {
        sd.tensors.mapValues { "\($0.dtype) \($0.shape)" }
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
