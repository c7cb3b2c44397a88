import Foundation
@testable import fsvideo
import FSPipeline
import FSDiffusion
import FSModels
import XCTest

/// A VideoCrafter-style inference YAML (block mappings, `- item` lists, `[]`) maps to the vc2-512 config.
final class VideoCrafterYAMLTests: XCTestCase {
    func testVC2StyleYAMLGivesThePreset() throws {
        let yaml = """
        model:
          target: lvdm.models.ddpm3d.LatentDiffusion
          params:
            linear_start: 0.00085
            linear_end: 0.012
            timesteps: 1000
            image_size:
            - 40
            - 64
            scale_factor: 0.18215
            use_scale: true
            scale_b: 0.7
            unet_config:
              target: UNetModel
              params:
                in_channels: 4
                out_channels: 4
                model_channels: 320
                attention_resolutions:
                - 4
                - 2
                - 1
                num_res_blocks: 2
                channel_mult:
                - 1
                - 2
                - 4
                - 4
                num_head_channels: 64
                transformer_depth: 1
                context_dim: 1024
                use_linear: true
                use_checkpoint: true
                temporal_conv: true
                temporal_attention: true
                temporal_selfatt_only: true
                use_relative_position: false
                use_causal_attention: false
                temporal_length: 16
                addition_attention: true
                fps_cond: true
            first_stage_config:
              params:
                embed_dim: 4
                monitor: val/rec_loss   # ignored
                ddconfig:
                  double_z: true
                  z_channels: 4
                  resolution: 512
                  in_channels: 3
                  out_ch: 3
                  ch: 128
                  ch_mult:
                  - 1
                  - 2
                  - 4
                  - 4
                  num_res_blocks: 2
                  attn_resolutions: []
                  dropout: 0.0
            cond_stage_config:
              params:
                layer: penultimate
        """
        let path = NSTemporaryDirectory() + "vc2-\(UUID().uuidString).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let cfg = try VideoCrafterYAML.read(path: path)
        let preset = VideoModelConfig.vc2_512
        XCTAssertEqual(cfg.unet, preset.unet)
        XCTAssertEqual(cfg.vae.ddconfig.chMult, preset.vae.ddconfig.chMult)
        XCTAssertEqual(cfg.vae.ddconfig.ch, 128)
        XCTAssertEqual(cfg.schedule, preset.schedule)
        XCTAssertEqual(cfg.baseResolution, [320, 512])
        XCTAssertEqual(cfg.scaleFactor, 0.18215)
        XCTAssertEqual(cfg.sizeUnit, 64)
        XCTAssertThrowsError(try YAMLSubset.parse("a: &x 1", source: "t.yaml"))
    }
}
