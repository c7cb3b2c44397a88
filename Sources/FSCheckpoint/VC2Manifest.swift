import Foundation
import FSTensor

/// Every state-dict entry of the full VideoCrafter2 model (key, shape, dtype), embedded from
/// ../shared/fixtures/lvdm/vc2_manifest.tsv, and the check of a checkpoint against it.
public struct VC2Manifest {
    public struct Row { public let key: String; public let shape: [Int]; public let dtype: String }

    public let rows: [Row]

    /// The embedded manifest.
    public static func load() throws -> VC2Manifest {
        guard let url = Bundle.module.url(forResource: "vc2_manifest", withExtension: "tsv", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "vc2_manifest", withExtension: "tsv") else {
            throw FSError("the embedded VideoCrafter2 manifest (vc2_manifest.tsv) is missing from the build")
        }
        return try parse(String(contentsOf: url, encoding: .utf8))
    }

    /// Parses `key<TAB>shape<TAB>dtype` lines (shape comma-separated, empty = scalar).
    public static func parse(_ text: String) throws -> VC2Manifest {
        var rows: [Row] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 3 else { throw FSError("manifest line '\(line)' does not have 3 tab-separated fields") }
            let shape = try f[1].split(separator: ",").map { s -> Int in
                guard let v = Int(s) else { throw FSError("manifest line '\(line)' has a bad shape") }
                return v
            }
            rows.append(Row(key: String(f[0]), shape: shape, dtype: String(f[2])))
        }
        return VC2Manifest(rows: rows)
    }

    /// Rows under a prefix, prefix stripped (e.g. `model.diffusion_model.` for the UNet).
    public func rows(prefix: String) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for r in rows where r.key.hasPrefix(prefix) { out[String(r.key.dropFirst(prefix.count))] = r.shape }
        return out
    }

    public struct Check {
        public var missing: [String] = []
        public var unexpected: [String] = []
        public var misShaped: [(key: String, expected: [Int], found: [Int])] = []
        public var ok: Bool { missing.isEmpty && unexpected.isEmpty && misShaped.isEmpty }
    }

    /// Compares a checkpoint's keys and shapes with the manifest (dtypes may differ: files often hold fp16).
    public func check(_ sd: StateDict) -> Check {
        var c = Check()
        var expected: [String: [Int]] = [:]
        for r in rows { expected[r.key] = r.shape }
        for r in rows {
            guard let t = sd[r.key] else { c.missing.append(r.key); continue }
            if t.shape != r.shape { c.misShaped.append((r.key, r.shape, t.shape)) }
        }
        c.unexpected = sd.keys.filter { expected[$0] == nil }
        return c
    }
}

/// The parts a VideoCrafter2 checkpoint is made of, by key prefix.
public enum CheckpointComponent: String, CaseIterable {
    case unet = "UNet", vae = "VAE", textEncoder = "text encoder", other = "other"

    public var prefix: String? {
        switch self {
        case .unet: return "model.diffusion_model."
        case .vae: return "first_stage_model."
        case .textEncoder: return "cond_stage_model."
        case .other: return nil
        }
    }

    public static func of(key: String) -> CheckpointComponent {
        allCases.first { $0.prefix.map(key.hasPrefix) ?? false } ?? .other
    }
}
