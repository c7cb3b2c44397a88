import FSModels
import FSTensor
import XCTest

/// Bad inputs are refused with one FSError before any compute; the dilation map is checked too.
final class UNet3DInputTests: XCTestCase {
    private func tinyModel() throws -> UNet3D {
        var c = UNet3DConfig(inChannels: 4, modelChannels: 32, outChannels: 4, numResBlocks: 1, attentionResolutions: [2])
        c.channelMult = [1, 2, 2]; c.numHeadChannels = 16; c.contextDim = 8; c.useLinear = true
        c.temporalConv = true; c.useRelativePosition = false; c.additionAttention = true; c.fpsCond = true
        return try UNet3D(config: c, source: SyntheticWeights(seed: 3))
    }

    private func expectError(_ body: () throws -> Tensor, mentions word: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { e in
            guard let fe = e as? FSError else { return XCTFail("not an FSError: \(e)", file: file, line: line) }
            XCTAssertTrue(fe.message.contains(word), fe.message, file: file, line: line)
            XCTAssertFalse(fe.message.contains("\n"), file: file, line: line)
        }
    }

    func testBadInputsThrowBeforeCompute() throws {
        let m = try tinyModel()
        let ctx = Tensor(zeros: [1, 77, 8])
        expectError({ try m.forward(x: Tensor(zeros: [1, 3, 2, 8, 8]), timesteps: [1], context: ctx, fps: [8]) }, mentions: "channels")
        expectError({ try m.forward(x: Tensor(zeros: [1, 4, 2, 6, 8]), timesteps: [1], context: ctx, fps: [8]) }, mentions: "multiple of 4")
        expectError({ try m.forward(x: Tensor(zeros: [1, 4, 0, 8, 8]), timesteps: [1], context: ctx, fps: [8]) }, mentions: "0 frames")
        expectError({ try m.forward(x: Tensor(zeros: [1, 4, 2, 8, 8]), timesteps: [1], context: Tensor(zeros: [1, 77, 9]), fps: [8]) }, mentions: "context width")
        expectError({ try m.forward(x: Tensor(zeros: [1, 4, 2, 8, 8]), timesteps: [1, 2], context: ctx, fps: [8]) }, mentions: "timesteps")
        expectError({ try m.forward(x: Tensor(zeros: [4, 2, 8, 8]), timesteps: [1], context: ctx, fps: [8]) }, mentions: "[b, c, t, h, w]")
        let bad = UNet3DForwardOptions(convDilation: ["input_blocks.1.0.skip_connection": 2])
        expectError({ try m.forward(x: Tensor(zeros: [1, 4, 2, 8, 8]), timesteps: [1], context: ctx, fps: [8], options: bad) }, mentions: "not a 3×3 Conv2d")
    }

    func testNonSquareSyntheticForwardRuns() throws {
        let m = try tinyModel()
        let x = Tensor(shape: [1, 4, 3, 8, 12], data: (0..<(4 * 3 * 96)).map { Float(sin(Double($0))) })
        let eps = try m.forward(x: x, timesteps: [981], context: Tensor(repeating: 0.1, shape: [1, 77, 8]), fps: [28])
        XCTAssertEqual(eps.shape, [1, 4, 3, 8, 12])
        XCTAssertTrue(eps.data.allSatisfy { $0.isFinite })
    }

    /// A strategy sees every spatial self-attention with its grid; returning the plain result changes nothing.
    func testSpatialStrategyReceivesGrid() throws {
        final class Recorder: SpatialSelfAttentionStrategy {
            var sites: [SpatialSelfAttentionSite] = []
            func selfAttention(_ tokens: Tensor, attention: CrossAttention, site: SpatialSelfAttentionSite) throws -> Tensor {
                sites.append(site)
                XCTAssertEqual(tokens.shape, [site.batch * site.frames, site.height * site.width, attention.innerDim])
                // The split path (projections, attend, out projection) equals the module call.
                let split = attention.outputProjection(attention.attend(q: attention.queries(tokens),
                                                                        k: attention.keys(tokens), v: attention.values(tokens)))
                return split
            }
        }
        let m = try tinyModel()
        let x = Tensor(shape: [2, 4, 3, 8, 12], data: (0..<(2 * 4 * 3 * 96)).map { Float(cos(Double($0) * 0.3)) })
        let ctx = Tensor(shape: [2, 77, 8], data: (0..<(2 * 77 * 8)).map { Float(sin(Double($0))) })
        let plain = try m.forward(x: x, timesteps: [981, 1], context: ctx, fps: [28, 28])
        let rec = Recorder()
        let hooked = try m.forward(x: x, timesteps: [981, 1], context: ctx, fps: [28, 28],
                                   options: UNet3DForwardOptions(spatialSelfAttention: rec, step: 7))
        XCTAssertEqual(zip(plain.data, hooked.data).map { abs($0 - $1) }.max()!, 0, accuracy: 1e-5)
        // attention at ds 2 (input_blocks.3, output_blocks.2/3) plus the middle block (always)
        XCTAssertEqual(rec.sites.map(\.moduleName), [
            "input_blocks.3.1.transformer_blocks.0.attn1", "middle_block.1.transformer_blocks.0.attn1",
            "output_blocks.2.1.transformer_blocks.0.attn1", "output_blocks.3.1.transformer_blocks.0.attn1"])
        XCTAssertEqual(rec.sites[1].height, 2); XCTAssertEqual(rec.sites[1].width, 3)   // ds 4
        XCTAssertEqual(rec.sites[0].height, 4); XCTAssertEqual(rec.sites[0].width, 6)
        XCTAssertEqual(rec.sites[0].frames, 3); XCTAssertEqual(rec.sites[0].batch, 2)
        XCTAssertEqual(Set(rec.sites.map(\.step)), [7])   // the forward's step reaches every call
    }
}
