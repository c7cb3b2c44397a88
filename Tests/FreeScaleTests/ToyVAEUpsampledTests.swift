import FSDiffusion
import FSTensor
@testable import FreeScale
import XCTest

/// The bundled toy model (v2) has a VAE that keeps frames above its 64x96 training size: what every
/// FreeScale stage and `upscale` feed it (../shared/models/toy_shapes_v2/README.md has its maker's figures).
final class ToyVAEUpsampledTests: XCTestCase {
    /// A disc of colour `object` on `background` (8-bit RGB) drawn at 64x96, bicubically upsampled to
    /// 128x192: [3, 1, 128, 192] in [-1, 1].
    func upsampledScene(object: [Float], background: [Float]) -> Tensor {
        let (h, w) = (64, 96)
        var data = [Float](repeating: 0, count: 3 * h * w)
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w {
                    let inside = (y - 30) * (y - 30) + (x - 40) * (x - 40) < 144
                    data[(c * h + y) * w + x] = (inside ? object[c] : background[c]) / 127.5 - 1
                }
            }
        }
        return resize(Tensor(shape: [3, 1, h, w], data: data), height: 128, width: 192, mode: .bicubic)
            .map { Swift.max(-1, Swift.min(1, $0)) }
    }

    /// Measured (debug build, encode → posterior mean → decode): v2 28.6 dB / object colour distance 22.6 for
    /// red on black and 26.3 dB / 8.6 for yellow on brown; v1 gave 22.8 dB / 36.9 and 20.4 dB / 79.9.
    func testRoundTripOfAnUpsampledFrameKeepsItsColours() throws {
        let model = try ToyCascadeTests.toyModel()
        for (name, object, background) in [("red on black", [Float(220), 40, 40], [Float(0), 0, 0]),
                                           ("yellow on brown", [230, 230, 40], [120, 70, 30])] {
            let input = upsampledScene(object: object, background: background)
            var output = try model.vae.decodeVideo(model.vae.encodeVideo(input).mean)
            if output.rank == 5 { output = output.reshaped(Array(output.shape.dropFirst())) }
            let psnr = ClipFidelity.psnr(output, input)
            let colour = ColourFidelity.compare(output, base: input)
            print(String(format: "toy VAE round trip of a 2x-upsampled frame, %@: %.1f dB, object colour distance %.1f, background %.1f",
                         name, psnr, colour.object ?? -1, colour.background))
            XCTAssertGreaterThan(psnr, 24, name)
            XCTAssertLessThan(try XCTUnwrap(colour.object), 30, name)
        }
    }
}
