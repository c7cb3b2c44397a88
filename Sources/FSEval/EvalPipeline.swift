import Foundation
import FSTensor

/// The metrics `fsvideo eval` computes.
public enum EvalMetric: String, CaseIterable, Sendable {
    case fvd
    case dynamicDegree = "dynamic_degree"
    case aestheticQuality = "aesthetic_quality"
}

/// One video handed to the evaluation: where it came from and how to decode it (decoding is lazy so a
/// corrupt file among many is reported and skipped, not fatal).
public struct EvalVideo {
    public let path: String
    public let load: () throws -> RGBVideo
    public init(path: String, load: @escaping () throws -> RGBVideo) { self.path = path; self.load = load }
}

/// Per-video outcome, as written to the JSON and CSV reports.
public struct EvalVideoResult: Sendable {
    public var path: String
    public var set: String                 // "fake" or "real"
    /// Why the video (or one of its metrics) could not be evaluated.
    public var error: String?
    /// The video itself could not be used (decoding failed); per-metric failures leave it false.
    public var unusable = false
    public var frames: Int = 0
    public var height: Int = 0
    public var width: Int = 0
    public var fps: Double = 0
    public var fvdFeatures: [Double]?      // 400 I3D logits
    public var dynamic: DynamicDegreeResult?
    /// VBench aesthetic quality of the video: mean over its frames of LAION head / 10.
    public var aesthetic: Double?

    /// "ok", "partial" (a metric failed for this video) or "failed" (not decodable).
    public var status: String { error == nil ? "ok" : unusable ? "failed" : "partial" }
}

/// VBench's per-video dynamic-degree decision and its ingredients.
public struct DynamicDegreeResult: Sendable {
    public var isDynamic: Bool
    public var scores: [Double]            // top-5% mean flow magnitude per sampled pair
    public var threshold: Double
    public var countNeeded: Int
    public var interval: Int
    public var sampledFrames: Int
    public var pairsAbove: Int { scores.filter { $0 > threshold }.count }
}

/// Progress callback: (phase, done, total, path).
public typealias EvalProgress = (String, Int, Int, String) -> Void

/// FVD features: the first `frames` frames → FVD preprocessing (224, center crop) → I3D logits [400].
public struct FVDFeatureExtractor {
    public let i3d: I3D
    public let frames: Int
    public init(i3d: I3D, frames: Int = 16) { self.i3d = i3d; self.frames = frames }

    public func logits(_ v: RGBVideo) throws -> [Double] {
        guard v.frames >= frames else {
            throw FSError("video has \(v.frames) frames, FVD is set to use \(frames)")
        }
        let clip = FVDPreprocess.clip(v.prefix(frames))
        return try i3d(clip).data.map(Double.init)
    }
}

/// VBench dynamic degree for one decoded video with a RAFT model.
public struct DynamicDegreeScorer {
    public let raft: RAFT
    public let iterations: Int
    public init(raft: RAFT, iterations: Int = 20) { self.raft = raft; self.iterations = iterations }

    /// Frames sampled every max(1, round(fps/8)); each consecutive pair padded (replicate, multiples of 8),
    /// RAFT's full-res flow scored over the padded size; threshold from the unpadded size.
    public func score(_ v: RGBVideo, pairDone: ((Int, Int) -> Void)? = nil) throws -> DynamicDegreeResult {
        let idx = DynamicDegree.sampledIndices(frameCount: v.frames, fps: v.fps)
        let padder = RAFTPadder(height: v.height, width: v.width)
        guard padder.paddedHeight >= RAFT.minimumSide, padder.paddedWidth >= RAFT.minimumSide else {
            throw FSError("frames of \(v.width)x\(v.height) are too small for RAFT (VBench's RAFT gives NaN flow below \(RAFT.minimumSide)x\(RAFT.minimumSide))")
        }
        func frame(_ t: Int) -> Tensor {
            let hw = v.height * v.width, base = t * hw * 3
            var out = Tensor(zeros: [1, 3, v.height, v.width])
            for p in 0..<hw { for c in 0..<3 { out.data[c * hw + p] = Float(v.bytes[base + p * 3 + c]) } }
            return padder.pad(out)
        }
        var scores: [Double] = []
        var prev = idx.isEmpty ? nil : frame(idx[0])
        for (k, t) in idx.dropFirst().enumerated() {
            let cur = frame(t)
            let (_, up) = try raft(prev!, cur, iterations: iterations)
            scores.append(DynamicDegree.topFivePercentMean(flow: up))
            prev = cur
            pairDone?(k + 1, idx.count - 1)
        }
        let thres = DynamicDegree.threshold(height: v.height, width: v.width)
        let needed = DynamicDegree.countNeeded(sampledFrames: idx.count)
        return DynamicDegreeResult(isDynamic: DynamicDegree.isDynamic(scores: scores, threshold: thres, countNeeded: needed),
                                   scores: scores, threshold: thres, countNeeded: needed,
                                   interval: DynamicDegree.interval(fps: v.fps), sampledFrames: idx.count)
    }
}

/// The whole evaluation: every video decoded once, features / flows computed, failures recorded.
public struct EvalRun {
    public var results: [EvalVideoResult] = []
    public var fvd: Frechet.Result?
    public var fvdVideoGPT: Double?
    public var dynamicDegree: Double?
    public var aestheticQuality: Double?
    /// Metrics that could not be computed at all (e.g. every video failed), with the reason.
    public var metricErrors: [EvalMetric: String] = [:]

    public init() {}

    /// Runs the metrics. A metric that cannot be computed at all (e.g. every video failed) is recorded in
    /// `metricErrors`; per-video failures are recorded in the results.
    public static func run(fake: [EvalVideo], real: [EvalVideo], metrics: Set<EvalMetric>,
                           fvdExtractor: FVDFeatureExtractor?, dynamicScorer: DynamicDegreeScorer?,
                           aestheticScorer: AestheticScorer? = nil, timing: EvalTiming? = nil,
                           realStatistics: FeatureStatistics? = nil,
                           progress: EvalProgress? = nil) throws -> EvalRun {
        var run = EvalRun()
        let doFVD = metrics.contains(.fvd), doDD = metrics.contains(.dynamicDegree), doAQ = metrics.contains(.aestheticQuality)
        let all = fake.map { ($0, "fake") } + (doFVD ? real.map { ($0, "real") } : [])
        for (i, (video, set)) in all.enumerated() {
            var r = EvalVideoResult(path: video.path, set: set)
            progress?("videos", i, all.count, video.path)
            var v: RGBVideo?
            do {
                let decoded = try timing.measure(.decoding) { try video.load() }
                guard decoded.frames > 0 else { throw FSError("no frames decoded") }
                v = decoded
                r.frames = decoded.frames; r.height = decoded.height; r.width = decoded.width; r.fps = decoded.fps
            } catch {
                r.error = (error as? FSError)?.message ?? "\(error)"; r.unusable = true
            }
            if let v {
                var problems: [String] = []
                if doFVD, let fx = fvdExtractor {
                    do { r.fvdFeatures = try timing.measure(.fvd) { try fx.logits(v) } } catch { problems.append("FVD: " + ((error as? FSError)?.message ?? "\(error)")) }
                }
                if doDD, set == "fake", let dd = dynamicScorer {
                    do { r.dynamic = try timing.measure(.dynamicDegree) { try dd.score(v) } } catch { problems.append("dynamic degree: " + ((error as? FSError)?.message ?? "\(error)")) }
                }
                if doAQ, set == "fake", let aq = aestheticScorer {
                    do { r.aesthetic = try timing.measure(.aestheticQuality) { try aq.score(v).score } } catch { problems.append("aesthetic quality: " + ((error as? FSError)?.message ?? "\(error)")) }
                }
                if !problems.isEmpty { r.error = problems.joined(separator: "; ") }
            }
            run.results.append(r)
        }
        progress?("videos", all.count, all.count, "")
        if doFVD {
            do {
                let f = run.results.filter { $0.set == "fake" }.compactMap(\.fvdFeatures)
                let rl = run.results.filter { $0.set == "real" }.compactMap(\.fvdFeatures)
                guard !f.isEmpty else { throw FSError("FVD: no generated video could be evaluated") }
                let d = f[0].count
                let b: FeatureStatistics
                if let realStatistics {
                    b = realStatistics      // computed once for several generated sets (eval --compare)
                } else {
                    guard !rl.isEmpty else { throw FSError("FVD: no reference video could be evaluated") }
                    b = FeatureStatistics(features: rl.flatMap { $0 }, count: rl.count, dim: d)
                }
                guard b.count >= 2 else { throw FSError("FVD needs at least 2 reference videos (a covariance needs 2 samples), got \(b.count)") }
                let a = FeatureStatistics(features: f.flatMap { $0 }, count: f.count, dim: d)
                run.fvd = try Frechet.distance(a, b)
                run.fvdVideoGPT = try Frechet.distanceVideoGPT(a, b)
            } catch {
                run.metricErrors[.fvd] = (error as? FSError)?.message ?? "\(error)"
            }
        }
        if doDD {
            let flags = run.results.compactMap { $0.dynamic?.isDynamic }
            if flags.isEmpty { run.metricErrors[.dynamicDegree] = "dynamic degree: no video could be evaluated" }
            else { run.dynamicDegree = DynamicDegree.score(flags) }
        }
        if doAQ {
            let scores = run.results.compactMap(\.aesthetic)
            if scores.isEmpty { run.metricErrors[.aestheticQuality] = "aesthetic quality: no video could be evaluated" }
            else { run.aestheticQuality = scores.reduce(0, +) / Double(scores.count) }   // mean over videos, as VBench
        }
        return run
    }
}
