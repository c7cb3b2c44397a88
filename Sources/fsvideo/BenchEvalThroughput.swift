import Foundation
import FSEval
import FSPipeline
import FSTensor
import FSVideo

/// `fsvideo bench eval` sections for the aesthetic metric and per-metric throughput (issue 17):
/// the CLIP ViT-L/14 tower's GFLOP/s against the run's sgemm baseline, and videos per minute for each
/// metric on one 16×320×512 H.264 video (decoded as `eval` decodes it), split into decoding and networks.
extension BenchEvalCommand {
    func clipTower() throws -> CLIPVisionTower {
        try CLIPVisionTower(SyntheticEvalWeights.clip(.vitL14).view(prefix: "visual."), config: .vitL14)
    }

    /// ViT-L/14 on a batch of `batch` 224×224 frames: best of `repeats` after one warm-up.
    func benchCLIP(_ tower: CLIPVisionTower, batch: Int, baseline: Double) throws {
        let pixels = Benchmark.randomTensor([batch, 3, 224, 224], seed: 11)
        MemoryStats.resetPeakRSS()
        _ = try tower(pixels)
        let t = try Benchmark.bestSeconds(repeats: repeats, warmup: 0) { _ = try tower(pixels) }
        let flops = tower.flopsPerImage * Double(batch)
        print(String(format: "CLIP ViT-L/14 image tower, %d frames: %8.1f ms (%.0f ms/frame)   %.1f GFLOP → %.1f GFLOP/s (%.0f%% of sgemm)   peak RSS %@",
                     batch, t * 1e3, t * 1e3 / Double(batch), flops / 1e9, flops / t / 1e9, 100 * flops / t / 1e9 / baseline,
                     MemoryStats.format(bytes: MemoryStats.peakRSSBytes())))
    }

    /// Videos per minute for each metric on one generated video: decode (ffmpeg-CLI conversion), then the
    /// metric's network (I3D on the first 16 frames; RAFT on VBench's sampled pairs; CLIP on every frame).
    func benchThroughput(tower: CLIPVisionTower, height: Int, width: Int, frames n: Int) throws {
        let dir = NSTemporaryDirectory() + "fsvideo-bench-eval-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var clip = Frames(count: n, height: height, width: width, repeating: 40)
        var rng = SplitMix64(seed: 5)
        for i in 0..<clip.pixels.count { clip.pixels[i] = UInt8(truncatingIfNeeded: Int(rng.next() % 64) + 40) }
        for t in 0..<n { for y in (height / 4)..<(height / 2) { for x in 0..<(width / 4) {
            let xx = (x + t * 9) % width
            for c in 0..<3 { clip.pixels[((t * height + y) * width + xx) * 3 + c] = UInt8(180 + 30 * c) }
        } } }
        var o = VideoWriterOptions(); o.fps = Rational(8)
        let path = dir + "/clip.mp4"
        _ = try VideoWriter.write(clip, to: path, options: o)

        func decode() throws -> RGBVideo {
            var options = VideoReadOptions(); options.colorConversion = .ffmpeg
            let f = try VideoReader.read(path, options: options)
            return RGBVideo(frames: f.count, height: f.height, width: f.width, bytes: f.pixels, fps: 8)
        }
        let td = try Benchmark.bestSeconds(repeats: 3, warmup: 1) { _ = try decode() }
        let v = try decode()
        let i3d = FVDFeatureExtractor(i3d: try I3D(SyntheticEvalWeights.i3d().view(prefix: "")), frames: n)
        let raft = DynamicDegreeScorer(raft: try RAFT(SyntheticEvalWeights.raft().view(prefix: "module.")))
        let aesthetic = AestheticScorer(tower: tower, head: try AestheticHead(SyntheticEvalWeights.aestheticHead(dim: 768).view(prefix: ""), dim: 768))
        let tf = try Benchmark.bestSeconds(repeats: 1, warmup: 0) { _ = try i3d.logits(v) }
        let tr = try Benchmark.bestSeconds(repeats: 1, warmup: 0) { _ = try raft.score(v) }
        let ta = try Benchmark.bestSeconds(repeats: 1, warmup: 0) { _ = try aesthetic.score(v) }
        let pairs = DynamicDegree.sampledIndices(frameCount: n, fps: 8).count - 1
        print("throughput on one \(n)x\(height)x\(width) H.264 video (8 fps), decoding with --decode ffmpeg: \(String(format: "%.1f", td * 1e3)) ms")
        for (name, t, what) in [("fvd", tf, "I3D, \(n) frames at 224x224"), ("dynamic_degree", tr, "RAFT, \(pairs) pairs at \(height)x\(width)"),
                                ("aesthetic_quality", ta, "CLIP ViT-L/14, \(n) frames"),
                                ("all three", tf + tr + ta, "one decode, three networks")] {
            let total = td + t
            print(String(format: "  %-18@ %7.2f videos/min   %8.2f s/video   decoding %4.1f%%   network %5.1f%%   (%@)",
                         name as NSString, 60 / total, total, 100 * td / total, 100 * t / total, what))
        }
    }
}
