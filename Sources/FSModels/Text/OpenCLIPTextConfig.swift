import Foundation
import FSTensor

/// open_clip's model config for the text tower (`embed_dim`, `text_cfg`, `quick_gelu`) plus the
/// FrozenOpenCLIPEmbedder `layer` choice; decodes from the fixtures' `config.open_clip_model_cfg`.
public struct OpenCLIPTextConfig: Codable, Sendable, Equatable {
    public struct TextCfg: Codable, Sendable, Equatable {
        public var contextLength: Int
        public var vocabSize: Int
        public var width: Int
        public var heads: Int
        public var layers: Int
        public var mlpRatio: Double?
        public var lsInitValue: Double?

        enum CodingKeys: String, CodingKey {
            case contextLength = "context_length", vocabSize = "vocab_size", width, heads, layers
            case mlpRatio = "mlp_ratio", lsInitValue = "ls_init_value"
        }

        public init(contextLength: Int = 77, vocabSize: Int = 49408, width: Int, heads: Int, layers: Int) {
            self.contextLength = contextLength; self.vocabSize = vocabSize; self.width = width
            self.heads = heads; self.layers = layers
        }
    }

    public var embedDim: Int
    public var textCfg: TextCfg
    public var quickGelu: Bool?

    enum CodingKeys: String, CodingKey { case embedDim = "embed_dim", textCfg = "text_cfg", quickGelu = "quick_gelu" }

    public init(embedDim: Int, textCfg: TextCfg, quickGelu: Bool = false) {
        self.embedDim = embedDim; self.textCfg = textCfg; self.quickGelu = quickGelu
    }

    /// ViT-H-14's text tower, VideoCrafter2's `FrozenOpenCLIPEmbedder(arch="ViT-H-14")`.
    public static let vitH14 = OpenCLIPTextConfig(
        embedDim: 1024, textCfg: TextCfg(width: 1024, heads: 16, layers: 24))

    public var mlpWidth: Int { Int((Double(textCfg.width) * (textCfg.mlpRatio ?? 4)).rounded()) }

    public func validate() throws {
        let t = textCfg
        guard t.width > 0, t.heads > 0, t.width % t.heads == 0, t.layers > 0, t.contextLength > 0, t.vocabSize > 0 else {
            throw FSError("text encoder config: width must be a positive multiple of heads, layers/context/vocab > 0")
        }
        if t.lsInitValue != nil { throw FSError("text encoder config: ls_init_value (LayerScale) is not supported") }
        if quickGelu == true { throw FSError("text encoder config: quick_gelu is not supported (VideoCrafter2 uses exact GELU)") }
    }
}

/// Which transformer output FrozenOpenCLIPEmbedder returns: "last" runs all resblocks, "penultimate"
/// (VideoCrafter2) skips the last one; `ln_final` is applied either way.
public enum OpenCLIPLayer: String, Codable, Sendable {
    case last, penultimate
}
