import FSDiffusion
import FSTensor
@testable import FreeScale
import XCTest

/// The bundled toy model (v2) has a VAE that keeps frames above its 64x96 training size: what every
/// FreeScale stage and `upscale` feed it. The v1 VAE gave ≈ 21 dB and a colour shift of 10–14 per channel
/// on 2x-upsampled frames (../shared/models/toy_shapes_v2/README.md).
final class ToyVAEUpsampledTests: XCTestCase {
    func testRoundTripOfAnUpsampledFrameKeepsItsColours() throws {
        let model = try ToyCascadeTests.toyModel()
        // A red disc on black at 64x96 (2 frames), bicubically upsampled to 128x192, values in [-1, 1].
        let (h, w) = (64, 96)
        var data = [Float](repeating: -1, count: 3 * 2 * h * w)
        for f in 0..<2 {
            for y in 0..<h {
                for x in 0..<w where (y - 30) * (y - 30) + (x - 40 - 8 * f) * (x - 40 - 8 * f) < 144 {
                    data[((0 * 2 + f) * h + y) * w + x] = 1
                }
            }
        }
        let small = Tensor(shape: [3, 2, h, w], data: data)
        let input = resize(small, height: 128, width: 192, mode: .bicubic).map { Swift.max(-1, Swift.min(1, $0)) }
        let latent = try model.vae.encodeVideo(input).mean
        var output = try model.vae.decodeVideo(latent)
        if output.rank == 5 { output = output.reshaped(Array(output.shape.dropFirst())) }
        let psnr = ClipFidelity.psnr(output, input)
        let colour = ColourFidelity.compare(output, base: input)
        print(String(format: "toy VAE round trip of a 2x-upsampled frame: %.1f dB, object colour distance %.1f, background %.1f",
                     psnr, colour.object ?? -1, colour.background))
        XCTAssertGreaterThan(psnr, 27)
        XCTAssertLessThan(try XCTUnwrap(colour.object), 15)
        XCTAssertLessThan(colour.background, 8)
    }
}
