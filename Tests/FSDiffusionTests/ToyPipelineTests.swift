import FSCheckpoint
import FSDiffusion
import FSPipeline
import FSTensor
import XCTest

/// End-to-end generation with the toy model: the reference chain, a picture that means something,
/// determinism.
final class ToyPipelineTests: XCTestCase {
    /// toy_pipeline.safetensors: tokenize → text encode → DDIM (guidance 7.5, given noise) → VAE decode.
    /// The fixture was computed with toy_shapes v1; PipelineParity loads the weights it names from
    /// ../shared/models/toy_shapes/ (the bundled v2 differs in the VAE, so it would not match).
    func testToyPipelineFixturePasses() throws {
        let f = try ParityFixture(path: sharedFixture("lvdm/toy_pipeline.safetensors"))
        let report = try PipelineParity.run(f)
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
    }

    /// A caption gives a near-uniform background and one compact object in most frames. Catches a wrong
    /// guidance sign, swapped axes or a wrong latent scale (10 steps keep the test short).
    func testCaptionsGiveOneCompactObject() throws {
        for (prompt, seed) in [("a red circle moving right on a black background", UInt64(1)),
                               ("a white square staying still on a gray background", UInt64(2))] {
            let t2v = try TextToVideo(model: ToyModel.load(), settings: ToyModel.settings(prompt, steps: 10, seed: seed))
            let video = try t2v.decode(t2v.generate())
            XCTAssertEqual(video.shape, [3, 16, 64, 96])
            let stats = (0..<16).map { FrameAnalysis.objects(video, frame: $0) }
            // one compact object on a near-uniform background (< 30% of pixels away from the median colour)
            let single = stats.filter { $0.count == 1 && $0.foreground < 0.3 }.count
            print("\(prompt): objects per frame \(stats.map(\.count)), foreground \(stats.map { String(format: "%.2f", $0.foreground) })")
            XCTAssertGreaterThanOrEqual(single, 12, "\(prompt): one object in only \(single) of 16 frames")
        }
    }

    /// Same seed ⇒ same latent bytes, twice and with 1 vs 2 threads; another seed differs.
    func testDeterministicForSeedAndThreadCount() throws {
        let saved = ParallelFor.threadCount
        defer { ParallelFor.threadCount = saved }
        func latents(seed: UInt64, threads: Int) throws -> [Float] {
            ParallelFor.threadCount = threads
            let s = try ToyModel.settings("a blue diamond moving up on a purple background", steps: 2, frames: 4, seed: seed)
            return try TextToVideo(model: ToyModel.load(), settings: s).generate().data
        }
        let a = try latents(seed: 5, threads: 2)
        XCTAssertEqual(a, try latents(seed: 5, threads: 2))
        XCTAssertEqual(a, try latents(seed: 5, threads: 1))
        let b = try latents(seed: 6, threads: 2)
        XCTAssertNotEqual(a, b)
        XCTAssertGreaterThan(zip(a, b).map { abs($0 - $1) }.max() ?? 0, 0.1)
    }

    /// Bad settings are refused before any compute, with one clear line.
    func testBadSettingsAreRefused() throws {
        let m = try ToyModel.load()
        var s = try ToyModel.settings("x", steps: 2, seed: 0)
        s.height = 48   // not a multiple of 32 (8 · 2^(3 − 1))
        XCTAssertThrowsError(try TextToVideo(model: m, settings: s)) { e in
            XCTAssertTrue((e as? FSError)?.message.contains("multiples of 32") == true, "\(e)")
        }
        s = try ToyModel.settings("x", steps: 2, frames: 0, seed: 0)
        XCTAssertThrowsError(try TextToVideo(model: m, settings: s))
        s = try ToyModel.settings("x", steps: 2, frames: 20, seed: 0)
        XCTAssertEqual(try TextToVideo(model: m, settings: s).warnings.count, 1)   // > temporal_length warns
        XCTAssertEqual(m.config.sizeUnit, 32)
        XCTAssertEqual(VideoModelConfig.vc2_512.sizeUnit, 64)
    }
}
