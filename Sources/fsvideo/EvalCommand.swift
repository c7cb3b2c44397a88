import ArgumentParser
import Foundation
import FSCUDA
import FSEval
import FSTensor
import FSVideo
import FSCommandLine

/// `fsvideo eval`: FVD (I3D, as common_metrics_on_video_quality) and VBench's dynamic degree (RAFT).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate videos: FVD (I3D), VBench dynamic degree (RAFT) and aesthetic quality (CLIP + LAION head).",
        discussion: """
        PATH = video files or folders of them (a folder holding only images is one video of frames).
        FVD compares --fake with --real on the first --frames frames of each video (224x224 center crop).
        Dynamic degree scores each --fake video at its native size and frame rate, as VBench does.
        Aesthetic quality scores every frame of each --fake video with CLIP ViT-L/14 and LAION's head, as VBench does.
        Weights: \(EvalWeightFiles.i3dName) (--i3d), \(EvalWeightFiles.raftName) (--raft), \(EvalWeightFiles.clipName) (--clip)
        and \(EvalWeightFiles.aestheticHeadName) (--aesthetic-head); see docs/eval.md.
        """)

    @Option(name: .customLong("fake"), parsing: .upToNextOption, help: "Generated videos (files or folders).")
    var fake: [String] = []

    @Option(name: .customLong("real"), parsing: .upToNextOption, help: "Reference videos for FVD (files or folders).")
    var real: [String] = []

    @Option(parsing: .upToNextOption,
            help: "Method-vs-method table: NAME=DIR per generated set (e.g. freescale=out/fs direct=out/di), all against --real.")
    var compare: [String] = []

    @Option(name: .customLong("stats-cache"), help: "Folder for the cached real-set I3D statistics of --compare (default ~/.cache/fsvideo/fvd_real_statistics).")
    var statsCache: String?

    @Option(help: "--compare: write the table as markdown (it is also printed).")
    var markdown: String?

    @Option(help: "Comma-separated metrics: fvd, dynamic_degree, aesthetic_quality (default: fvd when --real is given, plus dynamic_degree).")
    var metrics: String?

    @Option(help: "I3D weights (\(EvalWeightFiles.i3dName), InceptionI3d state dict).")
    var i3d: String?

    @Option(help: "RAFT weights (\(EvalWeightFiles.raftName)).")
    var raft: String?

    @Option(help: "CLIP ViT-L/14 image tower (\(EvalWeightFiles.clipName), or an open_clip/timm .safetensors export).")
    var clip: String?

    @Option(name: .customLong("aesthetic-head"), help: "LAION aesthetic head (\(EvalWeightFiles.aestheticHeadName)).")
    var aestheticHead: String?

    @Option(help: "Frame decoding: 'ffmpeg' (the ffmpeg command line's yuv→RGB, what the reference tools read; default) or 'accurate' (accurate rounding, full-resolution chroma).")
    var decode: String = "ffmpeg"

    @Option(help: "Frames per video for FVD (the first N frames; at least 9).")
    var frames: Int = 16

    @Option(help: "Write the metrics, settings and per-video results as JSON.")
    var json: String?

    @Option(help: "Write one CSV row per video.")
    var csv: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    @Option(help: "Where to compute: cpu, cuda or auto (cuda when a usable GPU is found, else cpu). The networks run on the CPU in this version (docs/gpu.md).")
    var device: DeviceChoice = .auto

    func run() throws {
        guard !(fake.isEmpty && compare.isEmpty) else { throw FSError("eval: give the videos to evaluate with --fake PATH... (or --compare NAME=DIR...)") }
        guard fake.isEmpty || compare.isEmpty else { throw FSError("eval: use either --fake or --compare, not both") }
        if markdown != nil && compare.isEmpty { throw FSError("eval: --markdown writes the --compare table; give --compare NAME=DIR...") }
        let wanted = try parseMetrics()
        if wanted.contains(.fvd) && real.isEmpty {
            throw FSError("eval: FVD needs reference videos: pass --real PATH... (or --metrics dynamic_degree)")
        }
        guard frames >= 9 else { throw FSError("eval: --frames \(frames) is too few: I3D needs at least 9 frames") }
        try FlagCheck.int(frames, "--frames", 9...4096)
        if let json { try InputOutputGuard.requireExtension(json, ["json"], writes: "JSON", flag: "--json") }
        if let csv { try InputOutputGuard.requireExtension(csv, ["csv"], writes: "CSV", flag: "--csv") }
        if let markdown { try InputOutputGuard.requireExtension(markdown, ["md", "markdown"], writes: "markdown", flag: "--markdown") }
        let outputs: [(String, String)] = [(json, "--json"), (csv, "--csv"), (markdown, "--markdown")].compactMap { o in o.0.map { ($0, o.1) } }
        for (i, a) in outputs.enumerated() {
            for b in outputs[(i + 1)...] where InputOutputGuard.resolved(a.0) == InputOutputGuard.resolved(b.0) {
                throw FSError("\(a.1) and \(b.1) name the same file \(a.0)")
            }
        }
        let conversion = try EvalCommand.parseDecode(decode)
        var compute = ComputeOptions()
        compute.device = device
        _ = try compute.resolveDevice()   // --device cuda without a GPU fails here, before any work
        // Outputs are probed now, so an unwritable path fails before the networks run, not after.
        let compareDirs: [String?] = compare.map { (try? EvalMethodSet.parse($0))?.directory }
        for (out, flag) in outputs {
            try InputOutputGuard.check(output: out, isDirectory: false,
                                       inputs: fake + real + compareDirs + [i3d, raft, clip, aestheticHead], flag: flag)
            try OutputProbe.probe(out)
        }
        if !compare.isEmpty { return try runCompare(metrics: wanted, conversion: conversion) }
        let fakeVideos = try EvalVideoInput.expand(fake, flag: "--fake", conversion: conversion)
        let realVideos = wanted.contains(.fvd) ? try EvalVideoInput.expand(real, flag: "--real", conversion: conversion) : []
        if wanted.contains(.fvd) {
            for (set, n, flag) in [("reference", realVideos.count, "--real"), ("generated", fakeVideos.count, "--fake")] where n < 2 {
                throw FSError("eval: FVD needs at least 2 \(set) videos (\(flag)): a covariance needs 2 samples, got \(n)")
            }
        }

        let models = try loadModels(wanted)

        let bar = EvalProgressBar(enabled: !quiet)
        let timing = EvalTiming()
        let result = try EvalRun.run(fake: fakeVideos, real: realVideos, metrics: wanted, fvdExtractor: models.fvd,
                                     dynamicScorer: models.dynamic, aestheticScorer: models.aesthetic, timing: timing, progress: bar.update)
        bar.finish()
        for r in result.results where r.error != nil {
            FileHandle.standardError.write(Data("fsvideo: warning: \(r.unusable ? "skipped" : "partly skipped") \(r.path): \(r.error!)\n".utf8))
        }
        var report = EvalReport(run: result, metrics: wanted, fvdFrames: frames, i3dPath: models.i3dPath, raftPath: models.raftPath)
        report.clipPath = models.clipPath; report.aestheticHeadPath = models.headPath; report.decode = decode; report.timing = timing
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
        if let aq = result.aestheticQuality {
            print(String(format: "aesthetic quality: %.4f   (VBench, CLIP ViT-L/14 + LAION head; %d videos)",
                         aq, result.results.compactMap(\.aesthetic).count))
        }
        if let json { try EvalReport.writeAtomically(try report.jsonData(), to: json) }
        if let csv { try EvalReport.writeAtomically(Data(report.csv.utf8), to: csv) }
        if !result.metricErrors.isEmpty {
            let unusable = result.results.filter { $0.error != nil }.count
            throw FSError(EvalMetric.allCases.compactMap { result.metricErrors[$0] }.joined(separator: "; ")
                          + (unusable > 0 ? " (\(unusable) video\(unusable == 1 ? "" : "s") could not be used: see the warnings above)" : ""))
        }
    }

    /// The networks the wanted metrics need, from --i3d / --raft / --clip / --aesthetic-head or the default places.
    func loadModels(_ wanted: Set<EvalMetric>) throws -> EvalModels {
        var compute = ComputeOptions()
        compute.device = device
        ComputeOptions.announce(try compute.resolveDevice())
        var m = EvalModels()
        if wanted.contains(.fvd) {
            let p = try EvalWeightFiles.locate(flag: i3d, candidates: EvalWeightFiles.i3dCandidates(), what: "I3D",
                                               source: EvalWeightFiles.i3dSource, flagName: "--i3d")
            m.i3dPath = p
            m.fvd = FVDFeatureExtractor(i3d: try EvalWeightFiles.loadI3D(p), frames: frames)
        }
        if wanted.contains(.dynamicDegree) {
            let p = try EvalWeightFiles.locate(flag: raft, candidates: EvalWeightFiles.raftCandidates(), what: "RAFT",
                                               source: EvalWeightFiles.raftSource, flagName: "--raft")
            m.raftPath = p
            m.dynamic = DynamicDegreeScorer(raft: try EvalWeightFiles.loadRAFT(p))
        }
        if wanted.contains(.aestheticQuality) {
            let c = try EvalWeightFiles.locate(flag: clip, candidates: EvalWeightFiles.clipCandidates(), what: "CLIP ViT-L/14",
                                               source: EvalWeightFiles.clipSource, flagName: "--clip")
            let h = try EvalWeightFiles.locate(flag: aestheticHead, candidates: EvalWeightFiles.aestheticHeadCandidates(),
                                               what: "LAION aesthetic head", source: EvalWeightFiles.aestheticHeadSource,
                                               flagName: "--aesthetic-head")
            m.clipPath = c; m.headPath = h
            m.aesthetic = try EvalWeightFiles.loadAesthetic(clip: c, head: h)
        }
        return m
    }

    func parseMetrics() throws -> Set<EvalMetric> {
        guard let metrics else {
            if !compare.isEmpty { return real.isEmpty ? [.dynamicDegree, .aestheticQuality] : Set(EvalMetric.allCases) }
            return real.isEmpty ? [.dynamicDegree] : [.fvd, .dynamicDegree]
        }
        var out = Set<EvalMetric>()
        for name in metrics.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            guard let m = EvalMetric(rawValue: name.replacingOccurrences(of: "-", with: "_")) else {
                throw FSError("eval: unknown metric '\(name)' (known: fvd, dynamic_degree, aesthetic_quality)")
            }
            out.insert(m)
        }
        guard !out.isEmpty else { throw FSError("eval: --metrics is empty (known: fvd, dynamic_degree, aesthetic_quality)") }
        return out
    }

    static func parseDecode(_ s: String) throws -> ColorConversion {
        guard let c = ColorConversion(rawValue: s.lowercased()) else {
            throw FSError("eval: unknown --decode '\(s)' (known: ffmpeg, accurate)")
        }
        return c
    }
}

/// The loaded networks of one `fsvideo eval` and the files they came from.
struct EvalModels {
    var fvd: FVDFeatureExtractor?
    var dynamic: DynamicDegreeScorer?
    var aesthetic: AestheticScorer?
    var i3dPath: String?, raftPath: String?, clipPath: String?, headPath: String?
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
