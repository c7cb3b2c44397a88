import Foundation
import FSCheckpoint
import FSDiffusion
import FSModels
import FSTensor

/// Reads a model's configuration off its tensor shapes (for checkpoints that carry no config and do not
/// match the vc2-512 preset, e.g. ../shared/fixtures/lvdm/tiny_vc2.ckpt).
///
/// Not recoverable from shapes, so fixed here: base size 320x512 when model_channels ≥ 320, else about 64x96;
/// temporal_length 16, dropout 0, VAE resolution 256 and no VAE
/// attention resolutions, text heads = width/64 when width is a multiple of 64 (ViT-H: 16), else width/16.
public enum ConfigInference {
    public static func infer(_ sd: StateDict) throws -> VideoModelConfig {
        let unet = try inferUNet(sd.view(prefix: UNet3D.checkpointPrefix), source: sd.source)
        let vae = try inferVAE(sd.view(prefix: "first_stage_model."), source: sd.source)
        let text = try inferText(sd.view(prefix: OpenCLIPTextEncoder.checkpointPrefix), source: sd.source)
        let vc2 = VideoModelConfig.vc2_512
        let unit = (1 << (vae.ddconfig.chMult.count - 1)) * unet.sizeUnit
        // Base size: VideoCrafter2's 320x512 for full-width UNets, else a small 64x96-like size for tiny ones.
        let base = unet.modelChannels >= 320 && 320 % unit == 0 && 512 % unit == 0
            ? vc2.baseResolution
            : [unit * Swift.max(1, 64 / unit), unit * Swift.max(1, 96 / unit)]
        return VideoModelConfig(name: "inferred", baseResolution: base, frames: 16, fps: 28, scaleFactor: 0.18215,
                                unet: unet, vae: vae, text: text, schedule: .videoCrafter2, guidance: 12.0, saveFps: 10)
    }

    static func shape(_ v: StateDictView, _ key: String, source: String) throws -> [Int] {
        guard let t = v[key] else { throw FSError("\(source): cannot infer the model config: no tensor \(v.prefix + key)") }
        return t.shape
    }

    static func has(_ v: StateDictView, prefix: String) -> Bool { v.keys.contains { $0.hasPrefix(prefix) } }

    static func inferUNet(_ v: StateDictView, source: String) throws -> UNet3DConfig {
        let keys = Set(v.keys)
        guard !keys.isEmpty else { throw FSError("\(source): checkpoint has no UNet (model.diffusion_model.*)") }
        let conv0 = try shape(v, "input_blocks.0.0.weight", source: source)
        let mc = conv0[0]
        let out = try shape(v, "out.2.weight", source: source)
        var nInput = 0
        while keys.contains(where: { $0.hasPrefix("input_blocks.\(nInput).") }) { nInput += 1 }
        let downs = (0..<nInput).filter { keys.contains("input_blocks.\($0).0.op.weight") }
        let levels = downs.count + 1
        let nrb = (nInput - 1 - downs.count) / levels
        var c = UNet3DConfig(inChannels: conv0[1], modelChannels: mc, outChannels: out[0], numResBlocks: nrb,
                             attentionResolutions: [])
        var mult: [Int] = [], attn: [Int] = []
        var k = 1
        for level in 0..<levels {
            for r in 0..<nrb {
                let ch = try shape(v, "input_blocks.\(k).0.out_layers.3.weight", source: source)[0]
                if r == 0 { mult.append(ch / mc) }
                if r == 0 && keys.contains("input_blocks.\(k).1.proj_in.weight") { attn.append(1 << level) }
                k += 1
            }
            if level < levels - 1 { k += 1 }
        }
        c.channelMult = mult
        c.attentionResolutions = attn
        if let p = v["input_blocks.1.1.proj_in.weight"] { c.useLinear = p.shape.count == 2 }
        if let ctx = keys.first(where: { $0.hasSuffix("transformer_blocks.0.attn2.to_k.weight") && $0.contains(".1.transformer") }) {
            c.contextDim = try shape(v, ctx, source: source)[1]
        }
        var depth = 0
        while keys.contains(where: { $0.contains(".1.transformer_blocks.\(depth).") }) { depth += 1 }
        c.transformerDepth = Swift.max(depth, 1)
        c.temporalConv = keys.contains { $0.contains("temopral_conv") }
        c.temporalAttention = keys.contains { $0.hasPrefix("input_blocks.1.2.") }
        c.temporalSelfattOnly = true
        c.useRelativePosition = keys.contains { $0.contains("relative_position") }
        c.additionAttention = keys.contains { $0.hasPrefix("init_attn.") }
        c.fpsCond = keys.contains { $0.hasPrefix("fps_embedding.") }
        if let p = v["init_attn.0.proj_in.weight"] { c.numHeadChannels = p.shape[0] / 8 } else { c.numHeadChannels = 64 }
        c.temporalLength = 16
        return c
    }

    static func inferVAE(_ v: StateDictView, source: String) throws -> AutoencoderKLConfig {
        let keys = Set(v.keys)
        guard !keys.isEmpty else { throw FSError("\(source): checkpoint has no VAE (first_stage_model.*)") }
        let convIn = try shape(v, "encoder.conv_in.weight", source: source)
        let ch = convIn[0]
        var levels = 0
        while keys.contains(where: { $0.hasPrefix("encoder.down.\(levels).") }) { levels += 1 }
        var nrb = 0
        while keys.contains(where: { $0.hasPrefix("encoder.down.0.block.\(nrb).") }) { nrb += 1 }
        let mult = try (0..<levels).map { try shape(v, "encoder.down.\($0).block.0.conv2.weight", source: source)[0] / ch }
        let post = try shape(v, "post_quant_conv.weight", source: source)
        let outCh = try shape(v, "decoder.conv_out.weight", source: source)[0]
        let dd = AutoencoderKLConfig.DDConfig(doubleZ: true, zChannels: post[0], resolution: 256, inChannels: convIn[1],
                                              outCh: outCh, ch: ch, chMult: mult, numResBlocks: nrb, attnResolutions: [])
        return AutoencoderKLConfig(ddconfig: dd, embedDim: post[1])
    }

    static func inferText(_ v: StateDictView, source: String) throws -> VideoModelConfig.Text {
        let keys = Set(v.keys)
        guard !keys.isEmpty else { throw FSError("\(source): checkpoint has no text encoder (cond_stage_model.model.*)") }
        let tok = try shape(v, "token_embedding.weight", source: source)
        let pos = try shape(v, "positional_embedding", source: source)
        var layers = 0
        while keys.contains(where: { $0.hasPrefix("transformer.resblocks.\(layers).") }) { layers += 1 }
        let width = tok[1]
        let heads = width % 64 == 0 ? width / 64 : Swift.max(1, width / 16)
        return VideoModelConfig.Text(width: width, heads: heads, layers: layers, vocabSize: tok[0], contextLength: pos[0],
                                     layer: .penultimate, embedDim: v["text_projection"]?.shape.last)
    }
}
