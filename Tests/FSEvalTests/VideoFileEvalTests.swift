import Foundation
import XCTest
import FSCheckpoint
import FSTensor
import FSVideo
@testable import FSEval

/// End to end on real files: small videos written by FSVideo, decoded back, evaluated with synthetic
/// weights; a corrupt file among them is reported and skipped.
final class VideoFileEvalTests: XCTestCase {
    func testDynamicDegreeOnWrittenVideos() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fsvideo-eval-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func clip(_ name: String, speed: Int, fps: Int32) throws -> String {
            let (t, h, w) = (5, 128, 136)
            var f = Frames(count: t, height: h, width: w, repeating: 30)
            for i in 0..<t { for y in 40..<80 { for x in 0..<30 {
                let xx = (10 + x + i * speed) % w
                for c in 0..<3 { f.pixels[((i * h + y) * w + xx) * 3 + c] = 220 }
            } } }
            var o = VideoWriterOptions(); o.fps = Rational(fps)
            let path = dir.appendingPathComponent(name).path
            try VideoWriter.write(f, to: path, options: o)
            return path
        }
        let moving = try clip("moving.mp4", speed: 6, fps: 8)
        let still = try clip("still.mp4", speed: 0, fps: 16)
        let corrupt = dir.appendingPathComponent("corrupt.mp4").path
        try Data("this is not a video".utf8).write(to: URL(fileURLWithPath: corrupt))

        func load(_ p: String) -> EvalVideo {
            EvalVideo(path: p) {
                let info = try VideoReader.info(p)
                let fr = try VideoReader.read(p)
                return RGBVideo(frames: fr.count, height: fr.height, width: fr.width, bytes: fr.pixels, fps: info.fps.value)
            }
        }
        let raft = try RAFT(SyntheticEvalWeights.raft().view(prefix: "module."))
        let run = try EvalRun.run(fake: [moving, corrupt, still].map(load), real: [], metrics: [.dynamicDegree],
                                  fvdExtractor: nil, dynamicScorer: DynamicDegreeScorer(raft: raft, iterations: 3))
        let byPath = Dictionary(uniqueKeysWithValues: run.results.map { ($0.path, $0) })
        XCTAssertNotNil(byPath[corrupt]?.error)
        let m = try XCTUnwrap(byPath[moving]?.dynamic), s = try XCTUnwrap(byPath[still]?.dynamic)
        XCTAssertEqual(byPath[moving]?.frames, 5)
        XCTAssertEqual(m.interval, 1); XCTAssertEqual(m.scores.count, 4)
        XCTAssertEqual(s.interval, 2); XCTAssertEqual(s.scores.count, 2)   // 16 fps: frames 0, 2, 4
        XCTAssertNotNil(run.dynamicDegree)
        let json = try JSONSerialization.jsonObject(with: EvalReport(run: run, metrics: [.dynamicDegree], fvdFrames: 16,
                                                                     i3dPath: nil, raftPath: nil).jsonData()) as! [String: Any]
        XCTAssertEqual((json["failed"] as! [[String: Any]]).first?["path"] as? String, corrupt)
    }
}
