import ArgumentParser
import Foundation
import FSEval
import FSTensor

/// `fsvideo eval`: FVD (I3D, as common_metrics_on_video_quality) and VBench's dynamic degree (RAFT).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate videos: FVD (I3D) and VBench dynamic degree (RAFT).",
        discussion: """
        PATH = video files or folders of them (a folder holding only images is one video of frames).
        FVD compares --fake with --real on the first --frames frames of each video (224x224 center crop).
        Dynamic degree scores each --fake video at its native size and frame rate, as VBench does.
        Weights: \(EvalWeightFiles.i3dName) (--i3d) and \(EvalWeightFiles.raftName) (--raft); see docs/eval.md.
        """)

    @Option(name: .customLong("fake"), parsing: .upToNextOption, help: "Generated videos (files or folders).")
    var fake: [String] = []

    @Option(name: .customLong("real"), parsing: .upToNextOption, help: "Reference videos for FVD (files or folders).")
    var real: [String] = []

    @Option(help: "Comma-separated metrics: fvd, dynamic_degree (default: fvd when --real is given, plus dynamic_degree).")
    var metrics: String?

    @Option(help: "I3D weights (\(EvalWeightFiles.i3dName), InceptionI3d state dict).")
    var i3d: String?

    @Option(help: "RAFT weights (\(EvalWeightFiles.raftName)).")
    var raft: String?

    @Option(help: "Frames per video for FVD (the first N frames; at least 9).")
    var frames: Int = 16

    @Option(help: "Write the metrics, settings and per-video results as JSON.")
    var json: String?

    @Option(help: "Write one CSV row per video.")
    var csv: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() throws {
        guard !fake.isEmpty else { throw FSError("eval: give the videos to evaluate with --fake PATH...") }
        let wanted = try parseMetrics()
        if wanted.contains(.fvd) && real.isEmpty {
            throw FSError("eval: FVD needs reference videos: pass --real PATH... (or --metrics dynamic_degree)")
        }
        guard frames >= 9 else { throw FSError("eval: --frames \(frames) is too few: I3D needs at least 9 frames") }
        try FlagCheck.int(frames, "--frames", 9...4096)
        if let json { try InputOutputGuard.requireExtension(json, ["json"], writes: "JSON", flag: "--json") }
        if let csv { try InputOutputGuard.requireExtension(csv, ["csv"], writes: "CSV", flag: "--csv") }
        if let json, let csv, InputOutputGuard.resolved(json) == InputOutputGuard.resolved(csv) {
            throw FSError("--json and --csv name the same file \(json)")
        }
        let fakeVideos = try EvalVideoInput.expand(fake, flag: "--fake")
        let realVideos = wanted.contains(.fvd) ? try EvalVideoInput.expand(real, flag: "--real") : []
        if wanted.contains(.fvd) {
            for (set, n, flag) in [("reference", realVideos.count, "--real"), ("generated", fakeVideos.count, "--fake")] where n < 2 {
                throw FSError("eval: FVD needs at least 2 \(set) videos (\(flag)): a covariance needs 2 samples, got \(n)")
            }
        }
        // Outputs are probed now, so an unwritable path fails before the networks run, not after.
        for out in [json, csv].compactMap({ $0 }) {
            try InputOutputGuard.check(output: out, isDirectory: false, inputs: fake + real + [i3d, raft], flag: out == json ? "--json" : "--csv")
            try OutputProbe.probe(out)
        }

        var i3dPath: String?, raftPath: String?
        var extractor: FVDFeatureExtractor?, scorer: DynamicDegreeScorer?
        if wanted.contains(.fvd) {
            let p = try EvalWeightFiles.locate(flag: i3d, candidates: EvalWeightFiles.i3dCandidates(), what: "I3D",
                                               source: EvalWeightFiles.i3dSource, flagName: "--i3d")
            i3dPath = p
            extractor = FVDFeatureExtractor(i3d: try EvalWeightFiles.loadI3D(p), frames: frames)
        }
        if wanted.contains(.dynamicDegree) {
            let p = try EvalWeightFiles.locate(flag: raft, candidates: EvalWeightFiles.raftCandidates(), what: "RAFT",
                                               source: EvalWeightFiles.raftSource, flagName: "--raft")
            raftPath = p
            scorer = DynamicDegreeScorer(raft: try EvalWeightFiles.loadRAFT(p))
        }

        let bar = EvalProgressBar(enabled: !quiet)
        let result = try EvalRun.run(fake: fakeVideos, real: realVideos, metrics: wanted, fvdExtractor: extractor,
                                     dynamicScorer: scorer, progress: bar.update)
        bar.finish()
        for r in result.results where r.error != nil {
            FileHandle.standardError.write(Data("fsvideo: warning: \(r.unusable ? "skipped" : "partly skipped") \(r.path): \(r.error!)\n".utf8))
        }
        let report = EvalReport(run: result, metrics: wanted, fvdFrames: frames, i3dPath: i3dPath, raftPath: raftPath)
        if let fvd = result.fvd {
            let nf = result.results.filter { $0.set == "fake" && $0.fvdFeatures != nil }.count
            let nr = result.results.filter { $0.set == "real" && $0.fvdFeatures != nil }.count
            print(String(format: "FVD: %.4f   (I3D videogpt, 224x224, %d frames, %d fake vs %d real videos)", fvd.distance, frames, nf, nr))
        }
        if let dd = result.dynamicDegree {
            let scored = result.results.compactMap(\.dynamic)
            print(String(format: "dynamic degree: %.4f   (VBench, RAFT 20 iterations; %d of %d videos dynamic)",
                         dd, scored.filter(\.isDynamic).count, scored.count))
        }
        if let json { try EvalReport.writeAtomically(try report.jsonData(), to: json) }
        if let csv { try EvalReport.writeAtomically(Data(report.csv.utf8), to: csv) }
        if !result.metricErrors.isEmpty {
            let unusable = result.results.filter { $0.error != nil }.count
            throw FSError(EvalMetric.allCases.compactMap { result.metricErrors[$0] }.joined(separator: "; ")
                          + (unusable > 0 ? " (\(unusable) video\(unusable == 1 ? "" : "s") could not be used: see the warnings above)" : ""))
        }
    }

    func parseMetrics() throws -> Set<EvalMetric> {
        guard let metrics else { return real.isEmpty ? [.dynamicDegree] : [.fvd, .dynamicDegree] }
        var out = Set<EvalMetric>()
        for name in metrics.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            guard let m = EvalMetric(rawValue: name == "dynamic-degree" ? "dynamic_degree" : name) else {
                throw FSError("eval: unknown metric '\(name)' (known: fvd, dynamic_degree)")
            }
            out.insert(m)
        }
        guard !out.isEmpty else { throw FSError("eval: --metrics is empty (known: fvd, dynamic_degree)") }
        return out
    }
}

/// A one-line progress bar on stderr: videos done, seconds per video, ETA.
final class EvalProgressBar {
    let enabled: Bool
    let start = Date()
    var shown = false
    init(enabled: Bool) { self.enabled = enabled }

    private let tty = isatty(2) != 0
    private var lastPlain = Date.distantPast

    /// On a terminal the line is redrawn in place; on a pipe or file, plain lines (at most one per 2 s,
    /// and the last) so logs stay readable.
    func update(_ phase: String, _ done: Int, _ total: Int, _ path: String) {
        guard enabled, total > 0 else { return }
        let elapsed = Date().timeIntervalSince(start)
        let width = 24, filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        var line = "[\(bar)] \(done)/\(total) \(phase)"
        if done > 0 {
            let per = elapsed / Double(done)
            line += String(format: " · %.1f s/video · ETA %.0f s", per, per * Double(total - done))
        }
        if !path.isEmpty { line += " · " + (path as NSString).lastPathComponent }
        if tty {
            FileHandle.standardError.write(Data(("\r" + line.padding(toLength: Swift.max(line.count, 100), withPad: " ", startingAt: 0)).utf8))
        } else {
            guard done == total || Date().timeIntervalSince(lastPlain) >= 2 else { return }
            lastPlain = Date()
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        shown = true
    }

    func finish() {
        guard shown else { return }
        FileHandle.standardError.write(Data(String(format: "%@evaluated in %.1f s\n", tty ? "\n" : "", Date().timeIntervalSince(start)).utf8))
    }
}
