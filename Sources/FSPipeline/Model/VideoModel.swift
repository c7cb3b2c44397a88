import Foundation
import FSCheckpoint
import FSDiffusion
import FSModels
import FSTensor

/// A loaded text-to-video model: UNet, VAE, text encoder, tokenizer and the config with its defaults.
/// Built from one StateDict (VideoCrafter2 key layout) — model code never sees paths.
public final class VideoModel: @unchecked Sendable {
    public let config: VideoModelConfig
    public let unet: UNet3D
    public let vae: AutoencoderKL
    public let textEncoder: OpenCLIPTextEncoder
    public let tokenizer: CLIPTokenizer

    public init(config: VideoModelConfig, unet: UNet3D, vae: AutoencoderKL, textEncoder: OpenCLIPTextEncoder,
                tokenizer: CLIPTokenizer) {
        self.config = config; self.unet = unet; self.vae = vae; self.textEncoder = textEncoder; self.tokenizer = tokenizer
    }

    /// Builds all three parts; a checkpoint lacking a part, or with mismatching keys, is one FSError.
    /// `precision`: what every part's GEMM-shaped layers compute in (weights converted once here).
    public static func load(_ sd: StateDict, config: VideoModelConfig, precision: Precision = .fp32) throws -> VideoModel {
        try config.validate()
        let parts: [(String, String)] = [(UNet3D.checkpointPrefix, "UNet"), ("first_stage_model.", "VAE"),
                                         (OpenCLIPTextEncoder.checkpointPrefix, "text encoder")]
        let lacking = parts.filter { p in !sd.tensors.keys.contains { $0.hasPrefix(p.0) } }
        if !lacking.isEmpty {
            throw FSError("\(sd.source): checkpoint lacks the " + lacking.map { "\($0.1) (\($0.0)*)" }.joined(separator: " and "))
        }
        let unet = try UNet3D(config: config.unet, weights: sd.view(prefix: UNet3D.checkpointPrefix),
                              precision: precision)
        let vae = try AutoencoderKL(config: config.vae, weights: sd.view(prefix: "first_stage_model."), precision: precision)
        let tv = sd.view(prefix: OpenCLIPTextEncoder.checkpointPrefix)
        let embedFallback = tv["text_projection"]?.shape.last ?? config.text.width
        let text = try OpenCLIPTextEncoder(config: config.text.openCLIP(embedDim: embedFallback), layer: config.text.layer,
                                           weights: tv, precision: precision)
        return VideoModel(config: config, unet: unet, vae: vae, textEncoder: text, tokenizer: try .sharedOrThrow())
    }
}
