import Foundation
import FSCheckpoint
import FSTensor

/// Hyper-parameters of OpenAI CLIP's `VisionTransformer(input_resolution, patch_size, width, layers,
/// heads, output_dim)` (clip/model.py). Real checkpoints carry no config: `clip.model.build_model` infers
/// it from the state dict (see `inferred(from:)`), with `heads = width // 64`.
public struct CLIPVisionConfig: Codable, Sendable, Equatable {
    public var width: Int
    public var layers: Int
    public var heads: Int
    public var patch: Int
    public var grid: Int
    public var outputDim: Int
    public var layerNormEps: Double = 1e-5

    enum CodingKeys: String, CodingKey {
        case width, layers, heads, patch, grid, outputDim = "output_dim", layerNormEps = "layernorm_eps"
    }

    public init(width: Int, layers: Int, heads: Int, patch: Int, grid: Int, outputDim: Int) {
        self.width = width; self.layers = layers; self.heads = heads; self.patch = patch; self.grid = grid
        self.outputDim = outputDim
    }

    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        width = try c.decode(Int.self, forKey: .width)
        layers = try c.decode(Int.self, forKey: .layers)
        heads = try c.decodeIfPresent(Int.self, forKey: .heads) ?? width / 64
        patch = try c.decode(Int.self, forKey: .patch)
        grid = try c.decode(Int.self, forKey: .grid)
        outputDim = try c.decode(Int.self, forKey: .outputDim)
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? 1e-5
    }

    /// ViT-L/14 as VBench's aesthetic dimension uses it.
    public static let vitL14 = CLIPVisionConfig(width: 1024, layers: 24, heads: 16, patch: 14, grid: 16, outputDim: 768)

    public var imageSize: Int { patch * grid }
    public var tokens: Int { grid * grid + 1 }
    public var mlpWidth: Int { 4 * width }

    /// `build_model`'s inference from the weights (keys relative to `visual.`): width = conv1 out channels,
    /// layers = number of `attn.in_proj_weight` keys, patch = conv1 kernel, grid = √(positions − 1),
    /// output_dim = proj columns, heads = width / 64 unless given.
    public static func inferred(from v: StateDictView, heads: Int? = nil) throws -> CLIPVisionConfig {
        guard let conv = v["conv1.weight"], conv.shape.count == 4 else {
            throw FSError("CLIP vision weights\(v.base.source.isEmpty ? "" : " in \(v.base.source)"): no \(v.prefix)conv1.weight [width,3,patch,patch]")
        }
        guard let pos = v["positional_embedding"], pos.shape.count == 2, pos.shape[0] > 1 else {
            throw FSError("CLIP vision weights: no \(v.prefix)positional_embedding [tokens,width]")
        }
        guard let proj = v["proj"], proj.shape.count == 2 else { throw FSError("CLIP vision weights: no \(v.prefix)proj [width,output_dim]") }
        let layers = v.keys.filter { $0.hasPrefix("transformer.resblocks.") && $0.hasSuffix(".attn.in_proj_weight") }.count
        let grid = Int(Double(pos.shape[0] - 1).squareRoot().rounded())
        let width = conv.shape[0]
        return CLIPVisionConfig(width: width, layers: layers, heads: heads ?? width / 64, patch: conv.shape[3], grid: grid,
                                outputDim: proj.shape[1])
    }

    public func validate() throws {
        guard width > 0, layers > 0, heads > 0, width % heads == 0, patch > 0, grid > 0, outputDim > 0 else {
            throw FSError("CLIP vision config: invalid \(self) (width must split into heads)")
        }
    }
}
