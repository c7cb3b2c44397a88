import FSCheckpoint
import FSTensor
import XCTest
@testable import FSModels

/// The per-frame clip helpers against the reference fixture: a clip whose frames are the fixture's images
/// (latents) must give, frame by frame, the reference posterior mean / logvar (decoded images).
final class VAEVideoTests: XCTestCase {
    func loadTiny() throws -> (AutoencoderKL, ParityFixture) {
        let f = try ParityFixture(path: try textVAESharedFixture("lvdm/vae_tiny.safetensors"))
        let config = try JSONDecoder().decode(AutoencoderKLConfig.self, from: XCTUnwrap(f.configJSON))
        return (try AutoencoderKL(config: config, weights: f.stateDict.view(prefix: "param/first_stage_model.")), f)
    }

    /// [n, c, h, w] images → a clip [c, n, h, w] (the images become frames).
    func clip(_ x: Tensor) -> Tensor { x.permuted([1, 0, 2, 3]) }

    func testEncodeVideoFrameByFrameMatchesReference() throws {
        let (vae, f) = try loadTiny()
        let post = try vae.encodeVideo(clip(f.input("image")))
        XCTAssertEqual(post.mean.shape, [4, 2, 8, 12])
        var report = ParityReport(title: "vae video encode")
        try report.check("output/mean", got: post.mean.permuted([1, 0, 2, 3]), fixture: f)
        try report.check("output/logvar", got: post.logvar.permuted([1, 0, 2, 3]), fixture: f)
        XCTAssertTrue(report.passed, report.description)
    }

    func testDecodeVideoFrameByFrameMatchesReference() throws {
        let (vae, f) = try loadTiny()
        let z = clip(try f.input("z")).reshaped([1, 4, 2, 8, 12])   // batched form [b, c, t, h, w]
        var frames = 0
        let video = try vae.decodeVideo(z, onFrame: { done, total in frames = done; XCTAssertEqual(total, 2) })
        XCTAssertEqual(frames, 2)
        XCTAssertEqual(video.shape, [1, 3, 2, 16, 24])
        var report = ParityReport(title: "vae video decode")
        try report.check("output/decoded", got: video.reshaped([3, 2, 16, 24]).permuted([1, 0, 2, 3]), fixture: f)
        XCTAssertTrue(report.passed, report.description)
    }

    func testBadFrameSizesAndShapesAreClearErrors() throws {
        let recorder = SyntheticWeights(seed: 1)
        let config = AutoencoderKLConfig(ddconfig: .init(doubleZ: true, zChannels: 4, resolution: 64, inChannels: 3, outCh: 3,
                                                         ch: 32, chMult: [1, 2, 2, 2], numResBlocks: 1, attnResolutions: []),
                                         embedDim: 4)
        let vae = try AutoencoderKL(config: config, source: recorder)
        XCTAssertEqual(vae.downsamplingFactor, 8)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch let e as FSError { return e.message } catch { return "\(error)" }
        }
        XCTAssertTrue(message { _ = try vae.encode(Tensor(zeros: [1, 3, 20, 24])) }.contains("not a multiple of 8"))
        XCTAssertTrue(message { _ = try vae.encodeVideo(Tensor(zeros: [3, 2, 16, 30])) }.contains("not a multiple of 8"))
        XCTAssertTrue(message { _ = try vae.encode(Tensor(zeros: [1, 4, 16, 16])) }.contains("[n, 3, H, W]"))
        XCTAssertTrue(message { _ = try vae.decodeVideo(Tensor(zeros: [3, 2, 2, 2])) }.contains("channels"))
        XCTAssertTrue(message { _ = try vae.decodeVideo(Tensor(zeros: [4, 2, 2])) }.contains("expected a clip"))
        XCTAssertTrue(message { _ = try vae.decodeVideo(Tensor(zeros: [4, 0, 2, 2])) }.contains("no frames"))
    }
}
