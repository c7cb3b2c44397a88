import Foundation
import FSCheckpoint
import FSEval
import FSTensor

/// Parity runner for `eval/frechet` fixtures (all cases found under `input/<case>/a`).
public enum FrechetParity {
    public static func run(_ f: ParityFixture) throws -> ParityReport {
        var report = ParityReport(title: "Fréchet distance (Float64, LAPACK) — \(f.path)")
        let cases = f.names(prefix: "input/").filter { $0.hasSuffix("/a") }
            .map { String($0.dropFirst("input/".count).dropLast(2)) }
        for c in cases {
            let a = try stats(f.stored("input/\(c)/a")), b = try stats(f.stored("input/\(c)/b"))
            let o = "output/\(c)/"
            func check(_ name: String, _ v: [Double]?) throws {
                guard f.has(o + name) else { return }
                guard let v else { report.record(o + name, passed: false, note: "not computed"); return }
                try report.check(o + name, got: v, fixture: f)
            }
            try check("mu_a", a.mean); try check("mu_b", b.mean)
            try check("sigma_a", a.covariance); try check("sigma_b", b.covariance)
            let r = try Frechet.distance(a, b)
            try check("mean_term", [r.meanTerm])
            try check("covmean_real", r.covmeanReal)
            try check("covmean_trace", r.covmeanTrace.map { [$0] })
            try check("distance", [r.distance])
            try check("distance_videogpt", Frechet.distanceVideoGPT(a, b).map { [$0] })
        }
        return report
    }

    static func stats(_ s: StoredTensor) throws -> FeatureStatistics {
        guard s.shape.count == 2 else { throw FSError("frechet fixture: features must be [N,D], got \(s.shape)") }
        return FeatureStatistics(features: s.doubles(), count: s.shape[0], dim: s.shape[1])
    }
}
