import Foundation
import FSTensor

/// `lvdm.models.autoencoder.AutoencoderKL(ddconfig, lossconfig, embed_dim, …)`; decodes directly from the
/// fixtures' `config` metadata (unknown keys such as lossconfig/monitor are ignored).
public struct AutoencoderKLConfig: Codable, Sendable, Equatable {
    /// The `ddconfig` shared by lvdm's Encoder and Decoder.
    public struct DDConfig: Codable, Sendable, Equatable {
        public var doubleZ: Bool
        public var zChannels: Int
        public var resolution: Int
        public var inChannels: Int
        public var outCh: Int
        public var ch: Int
        public var chMult: [Int]
        public var numResBlocks: Int
        public var attnResolutions: [Int]
        public var dropout: Double
        public var resampWithConv: Bool?
        public var useLinearAttn: Bool?
        public var attnType: String?
        public var givePreEnd: Bool?
        public var tanhOut: Bool?

        enum CodingKeys: String, CodingKey {
            case doubleZ = "double_z", zChannels = "z_channels", resolution, inChannels = "in_channels"
            case outCh = "out_ch", ch, chMult = "ch_mult", numResBlocks = "num_res_blocks"
            case attnResolutions = "attn_resolutions", dropout, resampWithConv = "resamp_with_conv"
            case useLinearAttn = "use_linear_attn", attnType = "attn_type", givePreEnd = "give_pre_end", tanhOut = "tanh_out"
        }

        public init(doubleZ: Bool, zChannels: Int, resolution: Int, inChannels: Int, outCh: Int, ch: Int,
                    chMult: [Int], numResBlocks: Int, attnResolutions: [Int], dropout: Double = 0) {
            self.doubleZ = doubleZ; self.zChannels = zChannels; self.resolution = resolution
            self.inChannels = inChannels; self.outCh = outCh; self.ch = ch; self.chMult = chMult
            self.numResBlocks = numResBlocks; self.attnResolutions = attnResolutions; self.dropout = dropout
        }
    }

    public var ddconfig: DDConfig
    public var embedDim: Int

    enum CodingKeys: String, CodingKey { case ddconfig, embedDim = "embed_dim" }

    public init(ddconfig: DDConfig, embedDim: Int) { self.ddconfig = ddconfig; self.embedDim = embedDim }

    /// VideoCrafter2 (configs/inference_t2v_512_v2.0.yaml, first_stage_config).
    public static let vc2 = AutoencoderKLConfig(
        ddconfig: DDConfig(doubleZ: true, zChannels: 4, resolution: 256, inChannels: 3, outCh: 3, ch: 128,
                           chMult: [1, 2, 4, 4], numResBlocks: 2, attnResolutions: [], dropout: 0),
        embedDim: 4)

    /// Pixels per latent pixel along each side (2^(levels − 1)).
    public var downsamplingFactor: Int { 1 << (ddconfig.chMult.count - 1) }

    /// Checks what the implementation supports; throws one clear line otherwise.
    public func validate() throws {
        let d = ddconfig
        guard !d.chMult.isEmpty, d.ch > 0, d.ch % 32 == 0, d.numResBlocks >= 0, embedDim > 0, d.zChannels > 0 else {
            throw FSError("VAE config: ch must be a positive multiple of 32 (GroupNorm 32), ch_mult non-empty, embed_dim > 0")
        }
        if d.useLinearAttn == true || (d.attnType ?? "vanilla") != "vanilla" {
            throw FSError("VAE config: only attn_type 'vanilla' is supported (got \(d.attnType ?? "linear"))")
        }
        if d.resampWithConv == false { throw FSError("VAE config: resamp_with_conv false is not supported") }
    }
}
