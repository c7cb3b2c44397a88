import Foundation
import FSCheckpoint
import FSTensor

/// JSON and CSV renderings of an `EvalRun`, with the settings that make the numbers comparable.
public struct EvalReport {
    public let run: EvalRun
    public let metrics: Set<EvalMetric>
    public let fvdFrames: Int
    public let i3dPath: String?
    public let raftPath: String?
    /// CLIP image tower and LAION head files of the aesthetic metric.
    public var clipPath: String?
    public var aestheticHeadPath: String?
    /// How frames were decoded (`ffmpeg` or `accurate`, see docs/eval.md).
    public var decode: String?
    public var timing: EvalTiming?

    public init(run: EvalRun, metrics: Set<EvalMetric>, fvdFrames: Int, i3dPath: String?, raftPath: String?) {
        self.run = run; self.metrics = metrics; self.fvdFrames = fvdFrames; self.i3dPath = i3dPath; self.raftPath = raftPath
    }

    func finite(_ x: Double?) -> Any { x.map { $0.isFinite ? $0 as Any : NSNull() } ?? NSNull() }

    public var json: [String: Any] {
        var m: [String: Any] = [:]
        let ok = run.results
        if metrics.contains(.fvd) {
            let fake = ok.filter { $0.set == "fake" && $0.fvdFeatures != nil }, real = ok.filter { $0.set == "real" && $0.fvdFeatures != nil }
            m["fvd"] = [
                "value": finite(run.fvd?.distance),
                "value_videogpt_formula": finite(run.fvdVideoGPT),
                "implementation": "common_metrics_on_video_quality FVD: InceptionI3d (i3d_pretrained_400.pt, BatchNorm eps 1e-5, time-averaged 400 logits, method 'videogpt' network and preprocessing), Fréchet distance with scipy's sqrtm formula in float64 (value); the videogpt torch formula in float64 (value_videogpt_formula)",
                "resolution": FVDPreprocess.resolution,
                "frames": fvdFrames,
                "num_fake_videos": fake.count,
                "num_real_videos": real.count,
                "feature": "I3D logits (400-d)",
                "weights": i3dPath ?? NSNull(),
                "error": run.metricErrors[.fvd] ?? NSNull(),
            ] as [String: Any]
        }
        if metrics.contains(.dynamicDegree) {
            let dd = ok.filter { $0.dynamic != nil }
            m["dynamic_degree"] = [
                "value": finite(run.dynamicDegree),
                "implementation": "VBench dynamic_degree: RAFT (raft-things.pth, 20 iterations) on frames sampled every max(1, round(fps/8)), top-5% mean flow magnitude over the padded flow, thres 6*min(H,W)/256, count round(4*N/16), fraction of dynamic videos",
                "num_videos": dd.count,
                "num_dynamic": dd.filter { $0.dynamic!.isDynamic }.count,
                "resolution": "native (frames are not resized)",
                "weights": raftPath ?? NSNull(),
                "error": run.metricErrors[.dynamicDegree] ?? NSNull(),
            ] as [String: Any]
        }
        if metrics.contains(.aestheticQuality) {
            m["aesthetic_quality"] = [
                "value": finite(run.aestheticQuality),
                "implementation": "VBench aesthetic_quality (laion_aesthetic): every frame, torchvision Resize(224, bicubic, antialias=False) on the float frame (long side truncated, no clamp), CenterCrop(224) (offset rounded half to even), /255, CLIP mean/std; OpenAI CLIP ViT-L/14 image tower (weights rounded to fp16 as clip.model.build_model), L2-normalised, LAION linear head, /10, mean over frames, mean over videos",
                "num_videos": ok.filter { $0.aesthetic != nil }.count,
                "weights": clipPath ?? NSNull(),
                "head_weights": aestheticHeadPath ?? NSNull(),
                "error": run.metricErrors[.aestheticQuality] ?? NSNull(),
            ] as [String: Any]
        }
        let videos: [[String: Any]] = run.results.map { r in
            var v: [String: Any] = ["path": r.path, "set": r.set, "status": r.status]
            if let e = r.error { v["error"] = e }
            if r.frames > 0 { v["frames"] = r.frames; v["height"] = r.height; v["width"] = r.width; v["fps"] = r.fps }
            if let d = r.dynamic {
                v["dynamic_degree"] = [
                    "is_dynamic": d.isDynamic, "scores": d.scores.map { finite($0) }, "threshold": d.threshold,
                    "count_needed": d.countNeeded, "pairs_above": d.pairsAbove, "interval": d.interval,
                    "sampled_frames": d.sampledFrames,
                ] as [String: Any]
            }
            if let a = r.aesthetic { v["aesthetic_quality"] = finite(a) }
            return v
        }
        var extra: [String: Any] = [:]
        if let decode { extra["decode"] = decode }
        if let timing {
            extra["timing_seconds"] = Dictionary(uniqueKeysWithValues: timing.seconds.map { ($0.key.rawValue, $0.value) })
        }
        return extra.merging(["metrics": m, "videos": videos,
                "failed": run.results.filter { $0.error != nil }.map { ["path": $0.path, "set": $0.set, "error": $0.error!] },
                "tool": "fsvideo eval"]) { _, new in new }
    }

    public func jsonData() throws -> Data {
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
    }

    /// One row per video: path, set, status, frames, height, width, fps, is_dynamic, dynamic pairs, scores, error.
    public var csv: String {
        func q(_ s: String) -> String { s.contains(where: { ",\"\n".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var lines = ["path,set,status,frames,height,width,fps,is_dynamic,pairs_above,count_needed,threshold,mean_score,max_score,aesthetic_quality,error"]
        for r in run.results {
            let d = r.dynamic
            let mean = d.map { $0.scores.isEmpty ? "" : String($0.scores.reduce(0, +) / Double($0.scores.count)) } ?? ""
            let mx = d.flatMap { $0.scores.max() }.map { String($0) } ?? ""
            let cols: [String] = [
                q(r.path), r.set, r.status,
                r.frames > 0 ? String(r.frames) : "", r.frames > 0 ? String(r.height) : "", r.frames > 0 ? String(r.width) : "",
                r.frames > 0 ? String(r.fps) : "",
                d.map { $0.isDynamic ? "true" : "false" } ?? "", d.map { String($0.pairsAbove) } ?? "",
                d.map { String($0.countNeeded) } ?? "", d.map { String($0.threshold) } ?? "", mean, mx,
                r.aesthetic.map { String($0) } ?? "", q(r.error ?? ""),
            ]
            lines.append(cols.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `data` to `path` through a temporary file in the same directory and a rename.
    public static func writeAtomically(_ data: Data, to path: String) throws { try AtomicFile.write(data, to: path) }
}
