import Foundation
import FSDiffusion
import FSModels
import FSTensor

/// Everything a text-to-video model needs besides its weights: the three parts' configs, the schedule and
/// the model-specific sampling defaults. Decodes the toy model's `toy_shapes.json` (and the `config`
/// metadata of its safetensors file) directly; `vc2_512` is VideoCrafter2's inference_t2v_512_v2.0.yaml.
public struct VideoModelConfig: Codable, Sendable {
    /// The text tower as the toy config writes it (open_clip text_cfg fields + FrozenOpenCLIPEmbedder layer).
    public struct Text: Codable, Sendable, Equatable {
        public var width: Int
        public var heads: Int
        public var layers: Int
        public var vocabSize: Int = 49408
        public var contextLength: Int = 77
        public var layer: OpenCLIPLayer = .penultimate
        /// Width of `text_projection` (unused by generation; bound because checkpoints hold it).
        public var embedDim: Int?

        enum CodingKeys: String, CodingKey {
            case width, heads, layers, vocabSize = "vocab_size", contextLength = "context_length", layer
            case embedDim = "embed_dim"
        }

        public init(width: Int, heads: Int, layers: Int, vocabSize: Int = 49408, contextLength: Int = 77,
                    layer: OpenCLIPLayer = .penultimate, embedDim: Int? = nil) {
            self.width = width; self.heads = heads; self.layers = layers; self.vocabSize = vocabSize
            self.contextLength = contextLength; self.layer = layer; self.embedDim = embedDim
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            width = try c.decode(Int.self, forKey: .width)
            heads = try c.decode(Int.self, forKey: .heads)
            layers = try c.decode(Int.self, forKey: .layers)
            vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? 49408
            contextLength = try c.decodeIfPresent(Int.self, forKey: .contextLength) ?? 77
            layer = try c.decodeIfPresent(OpenCLIPLayer.self, forKey: .layer) ?? .penultimate
            embedDim = try c.decodeIfPresent(Int.self, forKey: .embedDim)
        }

        public func openCLIP(embedDim fallback: Int) -> OpenCLIPTextConfig {
            OpenCLIPTextConfig(embedDim: embedDim ?? fallback,
                               textCfg: .init(contextLength: contextLength, vocabSize: vocabSize, width: width,
                                              heads: heads, layers: layers))
        }
    }

    public var name: String?
    /// Native [height, width] in pixels.
    public var baseResolution: [Int]
    public var frames: Int
    /// fps conditioning value.
    public var fps: Int
    /// Latent scale factor (0.18215 for VideoCrafter2).
    public var scaleFactor: Double
    public var unet: UNet3DConfig
    public var vae: AutoencoderKLConfig
    public var text: Text
    public var schedule: ScheduleConfig
    /// Classifier-free guidance default (absent in the toy JSON: see `init(from:)`).
    public var guidance: Double?
    /// Frame rate of the written MP4 by default.
    public var saveFps: Double?

    enum CodingKeys: String, CodingKey {
        case name, baseResolution = "base_resolution", frames, fps, scaleFactor = "scale_factor", unet, vae, text
        case schedule, guidance, saveFps = "save_fps"
    }

    public init(name: String?, baseResolution: [Int], frames: Int, fps: Int, scaleFactor: Double,
                unet: UNet3DConfig, vae: AutoencoderKLConfig, text: Text, schedule: ScheduleConfig = .videoCrafter2,
                guidance: Double? = nil, saveFps: Double? = nil) {
        self.name = name; self.baseResolution = baseResolution; self.frames = frames; self.fps = fps
        self.scaleFactor = scaleFactor; self.unet = unet; self.vae = vae; self.text = text
        self.schedule = schedule; self.guidance = guidance; self.saveFps = saveFps
    }

    /// VideoCrafter2 (configs/inference_t2v_512_v2.0.yaml + scripts/run_text2video.sh defaults).
    public static var vc2_512: VideoModelConfig {
        VideoModelConfig(name: "videocrafter2-512", baseResolution: [320, 512], frames: 16, fps: 28, scaleFactor: 0.18215,
                         unet: .vc2_512, vae: .vc2, text: Text(width: 1024, heads: 16, layers: 24, embedDim: 1024),
                         schedule: .videoCrafter2, guidance: 12.0, saveFps: 10)
    }

    /// Decodes a JSON model config (toy_shapes.json shape); one FSError on a bad document.
    public static func decode(json: Data, source: String) throws -> VideoModelConfig {
        do { return try JSONDecoder().decode(VideoModelConfig.self, from: json) } catch {
            throw FSError("\(source): model config JSON is invalid: \(Self.describe(error))")
        }
    }

    static func describe(_ e: Error) -> String {
        switch e {
        case DecodingError.keyNotFound(let k, let c):
            return "missing '\((c.codingPath + [k]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            return "bad value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))': \(c.debugDescription)"
        default: return "\(e)"
        }
    }

    // MARK: defaults

    /// Guidance default: the config's, else the toy model's recommended 7.5, else VideoCrafter2's 12.
    public var defaultGuidance: Double { guidance ?? (isToy ? 7.5 : 12.0) }
    /// MP4 frame rate default: the config's, else the fps conditioning for the toy model, else 10 (VC2's savefps).
    public var defaultSaveFps: Double { saveFps ?? (isToy ? Double(fps) : 10) }
    var isToy: Bool { name == "fsvideo-toy-shapes" }

    public var baseHeight: Int { baseResolution.count == 2 ? baseResolution[0] : 320 }
    public var baseWidth: Int { baseResolution.count == 2 ? baseResolution[1] : 512 }
    /// Pixels per latent pixel.
    public var vaeFactor: Int { vae.downsamplingFactor }
    /// Frame sides must be multiples of this: VAE factor · 2^(UNet levels − 1) (64 for VideoCrafter2).
    public var sizeUnit: Int { vaeFactor * unet.sizeUnit }
    public var latentChannels: Int { vae.embedDim }

    public func validate() throws {
        try unet.validate()
        try vae.validate()
        try schedule.validate()
        guard baseResolution.count == 2, baseResolution.allSatisfy({ $0 > 0 }) else {
            throw FSError("model config: base_resolution must be [height, width], got \(baseResolution)")
        }
        guard frames >= 1 else { throw FSError("model config: frames must be ≥ 1") }
        guard scaleFactor > 0, scaleFactor.isFinite else { throw FSError("model config: scale_factor must be > 0") }
        guard unet.inChannels == vae.embedDim, unet.outChannels == vae.embedDim else {
            throw FSError("model config: UNet channels \(unet.inChannels)/\(unet.outChannels) ≠ VAE latent channels \(vae.embedDim)")
        }
        if let ctx = unet.contextDim, ctx != text.width {
            throw FSError("model config: UNet context_dim \(ctx) ≠ text encoder width \(text.width)")
        }
    }
}
