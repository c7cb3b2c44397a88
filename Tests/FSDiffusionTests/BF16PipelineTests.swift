import FSCheckpoint
import FSDiffusion
import FSPipeline
import FSTensor
import XCTest

/// The toy pipeline in bf16 (docs/precision.md): the reference chain's errors next to fp32's, and a short
/// generation whose decoded video stays within PSNR ≥ 30 dB of the fp32 one with the same seed.
final class BF16PipelineTests: XCTestCase {
    nonisolated(unsafe) static var bf16Model: VideoModel?

    static func loadBF16() throws -> VideoModel {
        if let bf16Model { return bf16Model }
        let sd = try SafeTensors.read(path: ToyModel.weights.path)
        let json = try Data(contentsOf: ToyModel.directory.appendingPathComponent("toy_shapes.json"))
        let m = try VideoModel.load(sd, config: VideoModelConfig.decode(json: json, source: "toy_shapes.json"), precision: .bf16)
        bf16Model = m
        return m
    }

    func testToyPipelineFixtureErrorsInBF16() throws {
        let f = try ParityFixture(path: sharedFixture("lvdm/toy_pipeline.safetensors"))
        // The fixture was computed with toy_shapes v1, which PipelineParity loads from ../shared.
        let r32 = try PipelineParity.run(f)
        let r16 = try PipelineParity.run(f, precision: .bf16)
        XCTAssertTrue(r32.passed)
        for (a, b) in zip(r32.lines, r16.lines) where a.name.hasPrefix("output/") {
            let ref = try f.output(String(a.name.dropFirst(7)))
            let scale = Double(ref.data.map { abs($0) }.max() ?? 1)
            print(String(format: "bf16 accuracy | toy_pipeline | %@ | fp32 %.2e | bf16 %.2e", a.name, a.maxAbs / scale, b.maxAbs / scale))
            // Latents and contexts: max|Δ| ≤ 10% of the scale; decoded frames (clamped pixels, where one
            // shifted edge gives a large single-pixel difference): ≤ 50% (PSNR is what precision-toy reports).
            XCTAssertLessThanOrEqual(b.maxAbs / scale, a.name == "output/frames" ? 0.5 : 0.1, "\(a.name)")
        }
    }

    func testShortGenerationPSNRAgainstFP32() throws {
        let s = try ToyModel.settings("a red circle moving right on a black background", steps: 10, frames: 8, seed: 3)
        let v32 = try TextToVideo(model: ToyModel.load(), settings: s)
        let v16 = try TextToVideo(model: Self.loadBF16(), settings: s)
        let a = try v32.decode(v32.generate()), b = try v16.decode(v16.generate())
        var se = 0.0
        for i in 0..<a.count {
            let d = Double(min(1, max(-1, a.data[i])) - min(1, max(-1, b.data[i])))
            se += d * d
        }
        let psnr = 10 * log10(4 / (se / Double(a.count)))
        print(String(format: "bf16 vs fp32 toy generation (10 steps, 8 frames): PSNR %.1f dB", psnr))
        XCTAssertGreaterThanOrEqual(psnr, 30)
    }
}
