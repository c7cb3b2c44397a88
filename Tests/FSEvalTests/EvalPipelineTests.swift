import Foundation
import XCTest
import FSCheckpoint
import FSTensor
@testable import FSEval

/// End-to-end evaluation runs on small synthetic clips with synthetic (seeded) weights.
final class EvalPipelineTests: XCTestCase {
    /// A square moving right by `speed` pixels per frame over a noisy background.
    func movingSquare(frames: Int, height: Int, width: Int, speed: Int, seed: UInt64, fps: Double = 8) -> RGBVideo {
        var g = SplitMix64(seed: seed)
        var bytes = [UInt8](repeating: 0, count: frames * height * width * 3)
        let noise = (0..<(height * width)).map { _ in UInt8(20 + g.next() % 40) }
        for t in 0..<frames { for y in 0..<height { for x in 0..<width {
            let inside = y >= height / 3 && y < height / 3 + height / 4 && x >= (5 + t * speed) % width && x < (5 + t * speed) % width + width / 5
            for c in 0..<3 { bytes[((t * height + y) * width + x) * 3 + c] = inside ? UInt8(200 + c * 20) : noise[y * width + x] }
        } } }
        return RGBVideo(frames: frames, height: height, width: width, bytes: bytes, fps: fps)
    }

    func testFVDRunWithCorruptVideoAndReports() throws {
        let i3d = try I3D(SyntheticEvalWeights.i3d().view(prefix: ""))
        let fx = FVDFeatureExtractor(i3d: i3d, frames: 9)
        let fake = [
            EvalVideo(path: "a.mp4") { self.movingSquare(frames: 10, height: 40, width: 56, speed: 2, seed: 1) },
            EvalVideo(path: "broken.mp4") { throw FSError("broken.mp4: invalid data found when processing input") },
            EvalVideo(path: "short.mp4") { self.movingSquare(frames: 4, height: 40, width: 56, speed: 3, seed: 2) },
        ]
        let real = [
            EvalVideo(path: "r1.mp4") { self.movingSquare(frames: 9, height: 48, width: 48, speed: 1, seed: 3) },
            EvalVideo(path: "r2.mp4") { self.movingSquare(frames: 9, height: 60, width: 40, speed: 0, seed: 4) },
        ]
        let run = try EvalRun.run(fake: fake, real: real, metrics: [.fvd], fvdExtractor: fx, dynamicScorer: nil)
        XCTAssertEqual(run.results.count, 5)
        XCTAssertEqual(run.results.filter { $0.error != nil }.map(\.path), ["broken.mp4", "short.mp4"])
        XCTAssertTrue(run.results.first { $0.path == "short.mp4" }!.error!.contains("4 frames"))
        let d = try XCTUnwrap(run.fvd?.distance)
        XCTAssertTrue(d.isFinite && d > 0)
        // One generated video: the reference's rule gives the mean term only.
        XCTAssertEqual(d, run.fvd!.meanTerm)
        // The same set against itself is at distance ~0 (mean term 0, sqrtm(Σ²) = Σ).
        let feats = run.results.filter { $0.set == "real" }.compactMap(\.fvdFeatures)
        let s = FeatureStatistics(features: feats.flatMap { $0 }, count: feats.count, dim: 400)
        let trace = (0..<400).reduce(0.0) { $0 + s.covariance![$1 * 400 + $1] }
        XCTAssertLessThan(abs(try Frechet.distance(s, s).distance), 1e-6 * max(trace, 1))

        let report = EvalReport(run: run, metrics: [.fvd], fvdFrames: 9, i3dPath: nil, raftPath: nil)
        let json = try JSONSerialization.jsonObject(with: report.jsonData()) as! [String: Any]
        let fvd = (json["metrics"] as! [String: Any])["fvd"] as! [String: Any]
        XCTAssertEqual(fvd["num_fake_videos"] as? Int, 1)
        XCTAssertEqual(fvd["num_real_videos"] as? Int, 2)
        XCTAssertEqual(fvd["frames"] as? Int, 9)
        XCTAssertEqual(fvd["resolution"] as? Int, 224)
        XCTAssertEqual((json["failed"] as! [[String: Any]]).count, 2)
        XCTAssertEqual(run.results.first { $0.path == "broken.mp4" }!.status, "failed")
        XCTAssertEqual(run.results.first { $0.path == "short.mp4" }!.status, "partial")
        XCTAssertEqual(report.csv.split(separator: "\n").count, 6)
    }

    func testAllVideosFailingIsAnError() throws {
        let i3d = try I3D(SyntheticEvalWeights.i3d().view(prefix: ""))
        let bad = [EvalVideo(path: "x.mp4") { throw FSError("x.mp4: not a video") }]
        let run = try EvalRun.run(fake: bad, real: bad + bad, metrics: [.fvd],
                                  fvdExtractor: FVDFeatureExtractor(i3d: i3d, frames: 9), dynamicScorer: nil)
        XCTAssertNil(run.fvd)
        XCTAssertNotNil(run.metricErrors[.fvd])
    }

    func testDynamicDegreeRun() throws {
        let raft = try RAFT(SyntheticEvalWeights.raft().view(prefix: "module."))
        let scorer = DynamicDegreeScorer(raft: raft, iterations: 4)
        // 16 fps → interval 2: frames 0, 2, 4 of 5 are kept → 2 pairs, count_num = round(0.75) = 1.
        let v = movingSquare(frames: 5, height: 130, width: 136, speed: 4, seed: 5, fps: 16)
        let r = try scorer.score(v)
        XCTAssertEqual(r.interval, 2)
        XCTAssertEqual(r.sampledFrames, 3)
        XCTAssertEqual(r.scores.count, 2)
        XCTAssertEqual(r.countNeeded, 1)
        XCTAssertEqual(r.threshold, 6.0 * 130 / 256)
        XCTAssertTrue(r.scores.allSatisfy { $0.isFinite })
        XCTAssertEqual(r.isDynamic, r.scores.contains { $0 > r.threshold })
        // Too small for RAFT: a clear error, not NaN.
        XCTAssertThrowsError(try scorer.score(movingSquare(frames: 3, height: 64, width: 96, speed: 1, seed: 6))) {
            XCTAssertTrue(($0 as? FSError)?.message.contains("too small") ?? false)
        }
    }

    func testMissingKeysAreReportedAtOnce() {
        let sd = SyntheticEvalWeights.i3d()
        sd["Mixed_4b.b0.conv3d.weight"] = nil
        sd["Mixed_5c.b1b.bn.running_var"] = nil
        sd["extra.weight"] = StoredTensor(dtype: .f32, shape: [1], bytes: Data(count: 4))
        sd["Conv3d_1a_7x7.bn.num_batches_tracked"] = StoredTensor(dtype: .i64, shape: [], bytes: Data(count: 8))
        XCTAssertThrowsError(try I3D(sd.view(prefix: ""))) { e in
            let m = (e as? FSError)?.message ?? ""
            XCTAssertTrue(m.contains("Mixed_4b.b0.conv3d.weight") && m.contains("Mixed_5c.b1b.bn.running_var") && m.contains("extra.weight"), m)
            XCTAssertFalse(m.contains("num_batches_tracked"), m)
        }
    }
}
