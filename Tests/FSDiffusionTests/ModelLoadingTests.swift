import FSCheckpoint
import FSDiffusion
import FSModels
import FSPipeline
import FSTensor
import XCTest

final class ModelLoadingTests: XCTestCase {
    /// The toy safetensors carries its config in metadata; it equals toy_shapes.json's parts.
    func testToyConfigFromMetadata() throws {
        let sd = try SafeTensors.read(path: ToyModel.weights.path)
        let (cfg, origin) = try VideoModel.resolveConfig(for: sd)
        XCTAssertEqual(origin, "checkpoint metadata")
        XCTAssertEqual(cfg.baseResolution, [64, 96])
        XCTAssertEqual(cfg.defaultGuidance, 7.5)
        XCTAssertEqual(cfg.fps, 8)
        XCTAssertEqual(cfg.scaleFactor, 0.5481888651847839, accuracy: 1e-12)
        XCTAssertEqual(cfg.unet.channelMult, [1, 2, 2])
        // Inference from shapes recovers the same UNet and VAE structure.
        let inferred = try ConfigInference.infer(sd)
        XCTAssertEqual(inferred.unet.channelMult, cfg.unet.channelMult)
        XCTAssertEqual(inferred.unet.numResBlocks, cfg.unet.numResBlocks)
        XCTAssertEqual(inferred.unet.attentionResolutions, cfg.unet.attentionResolutions)
        XCTAssertEqual(inferred.unet.numHeadChannels, cfg.unet.numHeadChannels)
        XCTAssertEqual(inferred.unet.contextDim, cfg.unet.contextDim)
        XCTAssertEqual(inferred.vae.ddconfig.chMult, cfg.vae.ddconfig.chMult)
        XCTAssertEqual(inferred.text.layers, cfg.text.layers)
        XCTAssertEqual(inferred.text.heads, cfg.text.heads)
    }

    /// tiny_vc2.safetensors has no config: it is inferred from shapes and all three parts load.
    func testTinyVC2LoadsWithInferredConfig() throws {
        let sd = try SafeTensors.read(path: sharedFixture("lvdm/tiny_vc2.safetensors"))
        let (cfg, origin) = try VideoModel.resolveConfig(for: sd)
        XCTAssertEqual(origin, "inferred from tensor shapes")
        XCTAssertEqual(cfg.unet.channelMult, [1, 2])
        XCTAssertEqual(cfg.unet.numResBlocks, 2)
        XCTAssertEqual(cfg.text.heads, 2)
        _ = try VideoModel.load(sd, config: cfg)
    }

    /// A checkpoint lacking a part names it.
    func testLackingPartIsNamed() throws {
        let sd = try SafeTensors.read(path: ToyModel.weights.path)
        let partial = StateDict(tensors: sd.tensors.filter { !$0.key.hasPrefix("first_stage_model.") },
                                metadata: [:], source: "partial.safetensors")
        let cfg = try VideoModel.resolveConfig(for: sd).config
        XCTAssertThrowsError(try VideoModel.load(partial, config: cfg)) { e in
            XCTAssertTrue((e as? FSError)?.message.contains("lacks the VAE") == true, "\(e)")
        }
    }
}
