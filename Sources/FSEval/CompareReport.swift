import Foundation
import FSCheckpoint

/// The FreeScale paper's video table (Table 2) for several generated sets against one real set:
/// one row per method with FVD, VBench dynamic degree, VBench aesthetic quality and the mean generation
/// time, as markdown, CSV and JSON.
public struct CompareReport {
    public struct Row {
        public var method: String
        public var directory: String
        public var videos: Int
        public var run: EvalRun
        /// Mean seconds per video from the runs' records (run.json), and how many records had a time.
        public var generationSeconds: Double?
        public var timedVideos: Int

        public init(method: String, directory: String, videos: Int, run: EvalRun, generationSeconds: Double?, timedVideos: Int) {
            self.method = method; self.directory = directory; self.videos = videos; self.run = run
            self.generationSeconds = generationSeconds; self.timedVideos = timedVideos
        }
    }

    public var rows: [Row]
    public var metrics: Set<EvalMetric>
    public var realVideos: Int
    public var realDirectory: String
    /// Where the real set's I3D statistics came from (computed now or the cache file).
    public var realStatisticsSource: String
    public var settings: [String: Any]

    public init(rows: [Row], metrics: Set<EvalMetric>, realVideos: Int, realDirectory: String,
                realStatisticsSource: String, settings: [String: Any]) {
        self.rows = rows; self.metrics = metrics; self.realVideos = realVideos; self.realDirectory = realDirectory
        self.realStatisticsSource = realStatisticsSource; self.settings = settings
    }

    public static let columns = ["method", "videos", "fvd", "dynamic_degree", "aesthetic_quality", "time_min"]

    func cell(_ v: Double?, _ digits: Int) -> String { v.map { $0.isFinite ? String(format: "%.\(digits)f", $0) : "nan" } ?? "—" }
    func values(_ r: Row) -> (fvd: Double?, dd: Double?, aq: Double?, minutes: Double?) {
        (metrics.contains(.fvd) ? r.run.fvd?.distance : nil, metrics.contains(.dynamicDegree) ? r.run.dynamicDegree : nil,
         metrics.contains(.aestheticQuality) ? r.run.aestheticQuality : nil, r.generationSeconds.map { $0 / 60 })
    }

    public var markdown: String {
        var s = "| method | videos | FVD ↓ | dynamic degree ↑ | aesthetic quality ↑ | time (min) ↓ |\n"
        s += "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        for r in rows {
            let v = values(r)
            s += "| \(r.method) | \(r.videos) | \(cell(v.fvd, 1)) | \(cell(v.dd, 3)) | \(cell(v.aq, 3)) | \(cell(v.minutes, 3)) |\n"
        }
        s += "\nFVD against \(realVideos) real videos (\(realDirectory)); I3D statistics: \(realStatisticsSource). "
        s += "Time: mean generation time per video from the runs' run.json (text encoding + denoising + VAE decoding; model loading excluded).\n"
        return s
    }

    public var csv: String {
        func q(_ s: String) -> String { s.contains(where: { ",\"\n".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        func num(_ v: Double?) -> String { v.map { $0.isFinite ? String($0) : "nan" } ?? "" }
        var lines = [(Self.columns + ["directory", "timed_videos"]).joined(separator: ",")]
        for r in rows {
            let v = values(r)
            lines.append([q(r.method), String(r.videos), num(v.fvd), num(v.dd), num(v.aq), num(v.minutes), q(r.directory),
                          String(r.timedVideos)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: [String: Any] {
        func j(_ v: Double?) -> Any { v.map { $0.isFinite ? $0 as Any : NSNull() } ?? NSNull() }
        let methods: [[String: Any]] = rows.map { r in
            let v = values(r)
            var errors: [String: String] = [:]
            for (m, e) in r.run.metricErrors { errors[m.rawValue] = e }
            return ["method": r.method, "directory": r.directory, "videos": r.videos, "fvd": j(v.fvd),
                    "dynamic_degree": j(v.dd), "aesthetic_quality": j(v.aq), "time_min": j(v.minutes),
                    "time_seconds": j(r.generationSeconds), "timed_videos": r.timedVideos,
                    "failed_videos": r.run.results.filter { $0.error != nil }.map { ["path": $0.path, "error": $0.error!] },
                    "errors": errors]
        }
        return ["tool": "fsvideo eval --compare", "methods": methods, "metrics": metrics.map(\.rawValue).sorted(),
                "real": ["directory": realDirectory, "videos": realVideos, "statistics": realStatisticsSource] as [String: Any],
                "settings": settings]
    }

    public func jsonData() throws -> Data { try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]) }
}
