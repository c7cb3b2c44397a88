import Foundation
import FSTensor

/// The constructor arguments of lvdm `openaimodel3d.UNetModel` (JSON keys = the Python argument names, so the
/// fixtures' and models' `config` JSON decodes directly; absent keys take UNetModel's defaults).
public struct UNet3DConfig: Codable, Equatable, Sendable {
    public var inChannels: Int
    public var modelChannels: Int
    public var outChannels: Int
    public var numResBlocks: Int
    public var attentionResolutions: [Int]
    public var dropout: Double = 0
    public var channelMult: [Int] = [1, 2, 4, 8]
    public var convResample: Bool = true
    public var dims: Int = 2
    public var contextDim: Int?
    public var useScaleShiftNorm: Bool = false
    public var resblockUpdown: Bool = false
    public var numHeads: Int = -1
    public var numHeadChannels: Int = -1
    public var transformerDepth: Int = 1
    public var useLinear: Bool = false
    public var useCheckpoint: Bool = false
    public var temporalConv: Bool = false
    public var tempspatialAware: Bool = false
    public var temporalAttention: Bool = true
    public var temporalSelfattOnly: Bool = true
    public var useRelativePosition: Bool = true
    public var useCausalAttention: Bool = false
    public var temporalLength: Int?
    public var useFp16: Bool = false
    public var additionAttention: Bool = false
    public var useImageAttention: Bool = false
    public var temporalTransformerDepth: Int = 1
    public var fpsCond: Bool = false

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", modelChannels = "model_channels", outChannels = "out_channels"
        case numResBlocks = "num_res_blocks", attentionResolutions = "attention_resolutions", dropout
        case channelMult = "channel_mult", convResample = "conv_resample", dims, contextDim = "context_dim"
        case useScaleShiftNorm = "use_scale_shift_norm", resblockUpdown = "resblock_updown"
        case numHeads = "num_heads", numHeadChannels = "num_head_channels", transformerDepth = "transformer_depth"
        case useLinear = "use_linear", useCheckpoint = "use_checkpoint", temporalConv = "temporal_conv"
        case tempspatialAware = "tempspatial_aware", temporalAttention = "temporal_attention"
        case temporalSelfattOnly = "temporal_selfatt_only", useRelativePosition = "use_relative_position"
        case useCausalAttention = "use_causal_attention", temporalLength = "temporal_length", useFp16 = "use_fp16"
        case additionAttention = "addition_attention", useImageAttention = "use_image_attention"
        case temporalTransformerDepth = "temporal_transformer_depth", fpsCond = "fps_cond"
    }

    public init(inChannels: Int, modelChannels: Int, outChannels: Int, numResBlocks: Int, attentionResolutions: [Int]) {
        self.inChannels = inChannels; self.modelChannels = modelChannels; self.outChannels = outChannels
        self.numResBlocks = numResBlocks; self.attentionResolutions = attentionResolutions
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inChannels = try c.decode(Int.self, forKey: .inChannels)
        modelChannels = try c.decode(Int.self, forKey: .modelChannels)
        outChannels = try c.decode(Int.self, forKey: .outChannels)
        numResBlocks = try c.decode(Int.self, forKey: .numResBlocks)
        attentionResolutions = try c.decode([Int].self, forKey: .attentionResolutions)
        func opt<T: Decodable>(_ k: CodingKeys, _ d: T) throws -> T { try c.decodeIfPresent(T.self, forKey: k) ?? d }
        dropout = try opt(.dropout, 0)
        channelMult = try opt(.channelMult, [1, 2, 4, 8])
        convResample = try opt(.convResample, true)
        dims = try opt(.dims, 2)
        contextDim = try c.decodeIfPresent(Int.self, forKey: .contextDim)
        useScaleShiftNorm = try opt(.useScaleShiftNorm, false)
        resblockUpdown = try opt(.resblockUpdown, false)
        numHeads = try opt(.numHeads, -1)
        numHeadChannels = try opt(.numHeadChannels, -1)
        transformerDepth = try opt(.transformerDepth, 1)
        useLinear = try opt(.useLinear, false)
        useCheckpoint = try opt(.useCheckpoint, false)
        temporalConv = try opt(.temporalConv, false)
        tempspatialAware = try opt(.tempspatialAware, false)
        temporalAttention = try opt(.temporalAttention, true)
        temporalSelfattOnly = try opt(.temporalSelfattOnly, true)
        useRelativePosition = try opt(.useRelativePosition, true)
        useCausalAttention = try opt(.useCausalAttention, false)
        temporalLength = try c.decodeIfPresent(Int.self, forKey: .temporalLength)
        useFp16 = try opt(.useFp16, false)
        additionAttention = try opt(.additionAttention, false)
        useImageAttention = try opt(.useImageAttention, false)
        temporalTransformerDepth = try opt(.temporalTransformerDepth, 1)
        fpsCond = try opt(.fpsCond, false)
    }

    /// Decodes a config JSON (e.g. a fixture's `config` metadata); a bad document is one FSError.
    public static func decode(json: Data) throws -> UNet3DConfig {
        do { return try JSONDecoder().decode(UNet3DConfig.self, from: json) } catch {
            throw FSError("UNet3D config JSON is invalid: \(error)")
        }
    }

    /// VideoCrafter2 (`configs/inference_t2v_512_v2.0.yaml`, unet_config.params).
    public static var vc2_512: UNet3DConfig {
        var c = UNet3DConfig(inChannels: 4, modelChannels: 320, outChannels: 4, numResBlocks: 2,
                             attentionResolutions: [4, 2, 1])
        c.channelMult = [1, 2, 4, 4]
        c.numHeadChannels = 64
        c.transformerDepth = 1
        c.contextDim = 1024
        c.useLinear = true
        c.useCheckpoint = true
        c.temporalConv = true
        c.temporalAttention = true
        c.temporalSelfattOnly = true
        c.useRelativePosition = false
        c.useCausalAttention = false
        c.temporalLength = 16
        c.additionAttention = true
        c.fpsCond = true
        return c
    }

    /// Named presets (`vc2-512`).
    public static func preset(_ name: String) throws -> UNet3DConfig {
        switch name.lowercased() {
        case "vc2-512", "vc2", "videocrafter2": return vc2_512
        default: throw FSError("unknown UNet preset '\(name)' (known: vc2-512)")
        }
    }

    /// Number of resolution levels (= channel_mult.count); latents must be divisible by 2^(levels − 1).
    public var levels: Int { channelMult.count }
    public var sizeUnit: Int { 1 << (levels - 1) }
    public var timeEmbedDim: Int { 4 * modelChannels }

    /// Heads and head width of a block transformer with `channels` channels (UNetModel's rule).
    func heads(channels: Int) -> (heads: Int, headDim: Int) {
        numHeadChannels == -1 ? (numHeads, channels / numHeads) : (channels / numHeadChannels, numHeadChannels)
    }

    /// Refuses configurations this implementation does not build (one error naming each).
    public func validate() throws {
        var problems: [String] = []
        if dims != 2 { problems.append("dims \(dims) (only 2)") }
        if useScaleShiftNorm { problems.append("use_scale_shift_norm") }
        if resblockUpdown { problems.append("resblock_updown") }
        if tempspatialAware { problems.append("tempspatial_aware") }
        if useRelativePosition && (temporalAttention || additionAttention) { problems.append("use_relative_position") }
        if useCausalAttention { problems.append("use_causal_attention") }
        if useImageAttention { problems.append("use_image_attention") }
        if !temporalSelfattOnly && (temporalAttention || additionAttention) { problems.append("temporal_selfatt_only false") }
        if !convResample { problems.append("conv_resample false") }
        if contextDim == nil { problems.append("context_dim missing") }
        if numHeads == -1 && numHeadChannels == -1 { problems.append("neither num_heads nor num_head_channels set") }
        if channelMult.isEmpty || modelChannels % 32 != 0 || modelChannels % 2 != 0 {
            problems.append("model_channels \(modelChannels) / channel_mult \(channelMult)")
        }
        if !problems.isEmpty {
            throw FSError("UNet3D config not supported: " + problems.joined(separator: ", "))
        }
    }
}
