import Foundation
import FSEval
import FSTensor

/// Real-set I3D statistics for `eval --compare`, cached under a key made of the content of every real
/// video, the I3D weights' content, the frame count and the decoding mode: a changed file, other weights
/// or other settings give another key, so a stale cache is never used.
enum EvalRealStatisticsCache {
    static var defaultDirectory: String { "\(EvalWeightFiles.home)/.cache/fsvideo/fvd_real_statistics" }

    /// SHA-256 over the settings and each video's bytes (a folder of frames: each image file, sorted).
    static func key(videos: [String], i3dPath: String, frames: Int, decode: String) throws -> String {
        var h = SHA256()
        h.update(Data("fsvideo fvd real statistics v1\nframes \(frames)\ndecode \(decode)\n".utf8))
        guard let w = SHA256.file(i3dPath) else { throw FSError("\(i3dPath): cannot read (I3D weights)") }
        h.update(Data("i3d \(w)\n".utf8))
        for v in videos {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: v, isDirectory: &isDir)
            let files = isDir.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: v)) ?? []).filter { !$0.hasPrefix(".") }.sorted().map { (v as NSString).appendingPathComponent($0) }
                : [v]
            for f in files {
                guard let digest = SHA256.file(f) else { throw FSError("\(f): cannot read (--real)") }
                h.update(Data("video \(digest)\n".utf8))
            }
            h.update(Data("end\n".utf8))
        }
        return h.finalize()
    }

    /// The cached statistics for the real set, or computes (decodes, runs I3D) and stores them.
    static func statistics(real: [EvalVideo], extractor: FVDFeatureExtractor, key: String, directory: String,
                           settings: String, timing: EvalTiming, progress: EvalProgress?) throws -> (RealSetStatistics, String) {
        let file = (directory as NSString).appendingPathComponent("\(key).safetensors")
        if let cached = RealSetStatistics.read(path: file, key: key) { return (cached, "cached \(file)") }
        var features: [[Double]] = [], paths: [String] = []
        for (i, v) in real.enumerated() {
            progress?("real videos", i, real.count, v.path)
            do {
                let decoded = try timing.measure(.decoding) { try v.load() }
                features.append(try timing.measure(.fvd) { try extractor.logits(decoded) })
                paths.append(v.path)
            } catch {
                FileHandle.standardError.write(Data("\nfsvideo: warning: skipped \(v.path) (--real): \((error as? FSError)?.message ?? "\(error)")\n".utf8))
            }
        }
        progress?("real videos", real.count, real.count, "")
        guard features.count >= 2 else {
            throw FSError("FVD needs at least 2 reference (--real) videos (a covariance needs 2 samples), got \(features.count)")
        }
        let stats = RealSetStatistics(features: features, paths: paths, key: key, settings: settings)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try stats.write(to: file)
            return (stats, "computed now, cached in \(file)")
        } catch {
            FileHandle.standardError.write(Data("fsvideo: warning: real-set statistics not cached: \((error as? FSError)?.message ?? "\(error)")\n".utf8))
            return (stats, "computed now (not cached)")
        }
    }
}
