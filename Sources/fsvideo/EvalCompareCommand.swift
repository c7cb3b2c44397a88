import Foundation
import FSEval
import FSTensor
import FSVideo

extension EvalCommand {
    /// `--compare NAME=DIR ...`: every generated set against one real set, one table row per method.
    /// The real set's I3D statistics are computed once (or read from the cache) and shared by all rows.
    func runCompare(metrics wanted: Set<EvalMetric>, conversion: ColorConversion) throws {
        let parsed = try compare.map(EvalMethodSet.parse)
        var seen = Set<String>()
        for (name, _) in parsed where !seen.insert(name).inserted { throw FSError("eval: --compare names method '\(name)' twice") }
        let sets = try parsed.map { try EvalMethodSet.load(name: $0.name, directory: $0.directory, conversion: conversion) }
        if wanted.contains(.fvd) {
            for set in sets where set.videos.count < 2 {
                throw FSError("eval: FVD needs at least 2 generated videos per method (--compare \(set.name)): a covariance needs 2 samples, got \(set.videos.count)")
            }
        }
        let realVideos = wanted.contains(.fvd) ? try real.flatMap { p -> [EvalVideo] in
            let files = try EvalMethodSet.videoFiles(under: p, flag: "--real")
            return files.isEmpty ? try EvalVideoInput.expand([p], flag: "--real", conversion: conversion)
                                 : files.map { EvalVideoInput.video($0, conversion) }
        } : []
        let models = try loadModels(wanted)
        let bar = EvalProgressBar(enabled: !quiet)
        let timing = EvalTiming()

        var realStats: FeatureStatistics?, realSource = "not used (no FVD)", realCount = 0
        if wanted.contains(.fvd), let fx = models.fvd, let i3dPath = models.i3dPath {
            let key = try EvalRealStatisticsCache.key(videos: realVideos.map(\.path), i3dPath: i3dPath, frames: frames, decode: decode)
            let (stats, source) = try EvalRealStatisticsCache.statistics(
                real: realVideos, extractor: fx, key: key, directory: statsCache ?? EvalRealStatisticsCache.defaultDirectory,
                settings: "frames=\(frames) decode=\(decode) i3d=\(i3dPath)", timing: timing, progress: bar.update)
            realStats = stats.statistics; realSource = source; realCount = stats.features.count
        }

        var rows: [CompareReport.Row] = []
        for set in sets {
            let run = try EvalRun.run(fake: set.videos, real: [], metrics: wanted, fvdExtractor: models.fvd,
                                      dynamicScorer: models.dynamic, aestheticScorer: models.aesthetic, timing: timing,
                                      realStatistics: realStats,
                                      progress: { phase, done, total, path in bar.update("\(set.name) \(phase)", done, total, path) })
            for r in run.results where r.error != nil {
                FileHandle.standardError.write(Data("\nfsvideo: warning: \(set.name): \(r.unusable ? "skipped" : "partly skipped") \(r.path): \(r.error!)\n".utf8))
            }
            let t = set.generationSeconds
            rows.append(CompareReport.Row(method: set.name, directory: set.directory, videos: set.videos.count, run: run,
                                          generationSeconds: t.isEmpty ? nil : t.reduce(0, +) / Double(t.count), timedVideos: t.count))
        }
        bar.finish()
        var settings: [String: Any] = ["frames": frames, "decode": decode]
        settings["timing_seconds"] = Dictionary(uniqueKeysWithValues: timing.seconds.map { ($0.key.rawValue, $0.value) })
        for (k, v) in [("i3d", models.i3dPath), ("raft", models.raftPath), ("clip", models.clipPath), ("aesthetic_head", models.headPath)] {
            if let v { settings[k] = v }
        }
        let report = CompareReport(rows: rows, metrics: wanted, realVideos: realCount, realDirectory: real.joined(separator: " "),
                                   realStatisticsSource: realSource, settings: settings)
        print(report.markdown, terminator: "")
        if let markdown { try EvalReport.writeAtomically(Data(report.markdown.utf8), to: markdown) }
        if let csv { try EvalReport.writeAtomically(Data(report.csv.utf8), to: csv) }
        if let json { try EvalReport.writeAtomically(try report.jsonData(), to: json) }
        let failed = rows.flatMap { r in r.run.metricErrors.map { "\(r.method): \($0.value)" } }.sorted()
        if !failed.isEmpty { throw FSError(failed.joined(separator: "; ") + " (see the warnings above)") }
    }
}
