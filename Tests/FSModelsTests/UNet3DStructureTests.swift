import Foundation
import FSCheckpoint
import FSModels
import FSTensor
import XCTest

/// Structure of the vc2-512 preset against the VideoCrafter2 key manifest, config decoding, and the
/// analytic FLOP count against the issue's reference figures.
final class UNet3DStructureTests: XCTestCase {
    /// The repository copy of ../shared/fixtures/lvdm/vc2_manifest.tsv (key, shape, dtype per line).
    private func manifestUNetRows() throws -> [String: [Int]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("Sources/FSCheckpoint/Resources/vc2_manifest.tsv").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var rows: [String: [Int]] = [:]
        for line in text.split(separator: "\n") {
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard cols.count == 3, cols[0].hasPrefix(UNet3D.checkpointPrefix) else { continue }
            rows[String(cols[0].dropFirst(UNet3D.checkpointPrefix.count))] =
                cols[1].isEmpty ? [] : cols[1].split(separator: ",").map { Int($0)! }
        }
        return rows
    }

    func testVC2PresetAsksForExactlyTheManifestUNetRows() throws {
        let manifest = try manifestUNetRows()
        XCTAssertEqual(manifest.count, 1484)
        let asked = try UNet3D.parameterShapes(config: .vc2_512)
        let missing = Set(manifest.keys).subtracting(asked.keys).sorted()
        let extra = Set(asked.keys).subtracting(manifest.keys).sorted()
        XCTAssertEqual(missing, [], "manifest keys the preset does not ask for")
        XCTAssertEqual(extra, [], "keys the preset asks for that are not in the manifest")
        for (k, shape) in manifest where asked[k] != nil {
            XCTAssertEqual(asked[k], shape, k)
        }
        let params = asked.values.map { $0.reduce(1, *) }.reduce(0, +)
        XCTAssertEqual(params, 1_413_284_420)
    }

    func testFixtureConfigJSONDecodesWithDefaults() throws {
        let json = #"{"in_channels":4,"out_channels":4,"model_channels":32,"attention_resolutions":[1,2],"num_res_blocks":1,"channel_mult":[1,2],"num_head_channels":16,"transformer_depth":1,"context_dim":32,"use_linear":true,"use_checkpoint":false,"temporal_conv":true,"temporal_attention":true,"temporal_selfatt_only":true,"use_relative_position":false,"use_causal_attention":false,"temporal_length":16,"addition_attention":true,"fps_cond":true}"#
        let c = try UNet3DConfig.decode(json: Data(json.utf8))
        XCTAssertEqual(c.numResBlocks, 1)
        XCTAssertEqual(c.numHeads, -1)
        XCTAssertEqual(c.temporalTransformerDepth, 1)
        XCTAssertFalse(c.useScaleShiftNorm)
        // 626 tensors, 2,137,092 parameters (README §9).
        let shapes = try UNet3D.parameterShapes(config: c)
        XCTAssertEqual(shapes.count, 626)
        XCTAssertEqual(shapes.values.map { $0.reduce(1, *) }.reduce(0, +), 2_137_092)
        XCTAssertThrowsError(try UNet3DConfig.decode(json: Data("{\"in_channels\":4}".utf8)))
    }

    func testAnalyticFLOPsMatchReferenceCounts() {
        let at320 = UNet3DFLOPs.count(config: .vc2_512, batch: 1, frames: 16, height: 40, width: 64)
        let at640 = UNet3DFLOPs.count(config: .vc2_512, batch: 1, frames: 16, height: 80, width: 128)
        XCTAssertEqual(at320 / 1e12, 12.58, accuracy: 0.005)
        XCTAssertEqual(at640 / 1e12, 59.32, accuracy: 0.005)
    }

    func testMissingAndMisShapedKeysReportedTogether() throws {
        var c = UNet3DConfig(inChannels: 4, modelChannels: 32, outChannels: 4, numResBlocks: 1, attentionResolutions: [1])
        c.channelMult = [1, 2]; c.numHeadChannels = 16; c.contextDim = 32; c.useLinear = true
        c.temporalConv = true; c.useRelativePosition = false; c.additionAttention = true; c.fpsCond = true
        let shapes = try UNet3D.parameterShapes(config: c)
        let sd = StateDict(source: "synthetic")
        for (k, s) in shapes {
            sd["model.diffusion_model." + k] = StoredTensor(dtype: .f32, shape: s, bytes: Data(count: s.reduce(1, *) * 4))
        }
        sd["model.diffusion_model.time_embed.0.weight"] = nil
        sd["model.diffusion_model.out.2.weight"] = StoredTensor(dtype: .f32, shape: [4, 32, 1, 1], bytes: Data(count: 512))
        sd["model.diffusion_model.bogus.weight"] = StoredTensor(dtype: .f32, shape: [1], bytes: Data(count: 4))
        XCTAssertThrowsError(try UNet3D(config: c, weights: sd.view(prefix: "model.diffusion_model."))) { e in
            let msg = (e as? FSError)?.message ?? ""
            XCTAssertTrue(msg.contains("time_embed.0.weight"), msg)
            XCTAssertTrue(msg.contains("out.2.weight"), msg)
            XCTAssertTrue(msg.contains("bogus.weight"), msg)
        }
    }
}
