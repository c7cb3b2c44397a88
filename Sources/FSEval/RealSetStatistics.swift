import Foundation
import FSCheckpoint
import FSTensor

/// The I3D features of a reference (real) video set with their mean and covariance, cached on disk by a
/// content key so that comparing several generated sets decodes and embeds the real set once.
/// File: safetensors with F64 `features` [N,D], `mean` [D], `covariance` [D,D] (absent for N = 1) and
/// metadata `key`, `videos` (JSON list of paths), `settings`.
public struct RealSetStatistics {
    public var features: [[Double]]
    public var paths: [String]
    public var key: String
    public var settings: String

    public init(features: [[Double]], paths: [String], key: String, settings: String) {
        self.features = features; self.paths = paths; self.key = key; self.settings = settings
    }

    public var statistics: FeatureStatistics? {
        guard let d = features.first?.count, !features.isEmpty else { return nil }
        return FeatureStatistics(features: features.flatMap { $0 }, count: features.count, dim: d)
    }

    static func f64(_ values: [Double], _ shape: [Int]) -> StoredTensor {
        StoredTensor(dtype: .f64, shape: shape, bytes: values.withUnsafeBytes { Data($0) })
    }

    public func write(to path: String) throws {
        guard let stats = statistics else { throw FSError("real-set statistics: no features to cache") }
        let d = stats.dim
        let paths = String(decoding: try JSONSerialization.data(withJSONObject: self.paths), as: UTF8.self)
        let sd = StateDict(metadata: ["kind": "fsvideo/fvd_real_statistics", "key": key, "videos": paths, "settings": settings],
                           source: path)
        sd["features"] = Self.f64(features.flatMap { $0 }, [features.count, d])
        sd["mean"] = Self.f64(stats.mean, [d])
        if let c = stats.covariance { sd["covariance"] = Self.f64(c, [d, d]) }
        try SafeTensors.write(sd, to: path)
    }

    /// The cached set, or nil when the file is absent, unreadable or made for another key.
    public static func read(path: String, key: String) -> RealSetStatistics? {
        guard FileManager.default.fileExists(atPath: path), let sd = try? SafeTensors.read(path: path),
              sd.metadata["key"] == key, let f = sd["features"], f.dtype == .f64, f.shape.count == 2, f.shape[0] > 0 else { return nil }
        let (n, d) = (f.shape[0], f.shape[1])
        let all = f.doubles()
        guard all.count == n * d else { return nil }
        let paths = (sd.metadata["videos"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String]) ?? []
        return RealSetStatistics(features: (0..<n).map { Array(all[($0 * d)..<(($0 + 1) * d)]) }, paths: paths, key: key,
                                 settings: sd.metadata["settings"] ?? "")
    }
}
