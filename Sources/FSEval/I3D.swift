import Foundation
import FSCheckpoint
import FSTensor

/// Settings of `InceptionI3d` (pytorch-i3d, as common_metrics_on_video_quality's FVD `videogpt` runs it).
public struct I3DConfig: Codable, Sendable {
    public var numClasses = 400
    public var inChannels = 3
    /// BatchNorm eps: 1e-5 in common_metrics_on_video_quality, 1e-3 in piergiaj/pytorch-i3d.
    public var batchNormEps = 1e-5
    /// common_metrics returns logits averaged over time; piergiaj returns per-time-step logits.
    public var timeMean = true

    enum CodingKeys: String, CodingKey {
        case numClasses = "num_classes", inChannels = "in_channels", batchNormEps = "batchnorm_eps", timeMean = "time_mean"
    }
    public init() {}
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        numClasses = try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? 400
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? 3
        batchNormEps = try c.decodeIfPresent(Double.self, forKey: .batchNormEps) ?? 1e-5
        timeMean = try c.decodeIfPresent(Bool.self, forKey: .timeMean) ?? true
    }
    /// The piergiaj/pytorch-i3d variant (eps 1e-3, no time mean).
    public static var piergiaj: I3DConfig { var c = I3DConfig(); c.batchNormEps = 1e-3; c.timeMean = false; return c }
}

/// pytorch-i3d `Unit3D`: SAME zero padding → Conv3d (no bias) → eval BatchNorm → ReLU
/// (the logits unit: conv with bias, no BN, no ReLU).
struct I3DUnit {
    let weight: Tensor
    let kernel: [Int]
    let stride: [Int]
    let scale: [Float]?
    let shift: [Float]

    init(_ w: WeightLoader, _ name: String, inC: Int, outC: Int, kernel: [Int], stride: [Int] = [1, 1, 1],
         eps: Double, batchNorm: Bool = true) {
        self.kernel = kernel; self.stride = stride
        weight = w.tensor("\(name).conv3d.weight", shape: [outC, inC] + kernel)
        if batchNorm {
            let bn = EvalConv.batchNormFold(weight: w.tensor("\(name).bn.weight", shape: [outC]),
                                            bias: w.tensor("\(name).bn.bias", shape: [outC]),
                                            mean: w.tensor("\(name).bn.running_mean", shape: [outC]),
                                            variance: w.tensor("\(name).bn.running_var", shape: [outC]), eps: eps)
            scale = bn.scale; shift = bn.shift
        } else {
            scale = nil
            shift = w.tensor("\(name).conv3d.bias", shape: [outC]).data
        }
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let (f, b) = SamePadding.pads(x.shape, kernel: kernel, stride: stride)
        var y = EvalConv.conv3d(x, weight: weight, bias: nil, stride: stride, padFront: f, padBack: b)
        if let scale { EvalConv.channelAffine(&y, scale: scale, shift: shift, relu: true) }
        else { EvalConv.addChannelBias(&y, shift) }
        return y
    }
}

/// pytorch-i3d `InceptionModule`: four branches concatenated as [b0, b1b, b2b, b3b].
struct I3DMixed {
    let b0, b1a, b1b, b2a, b2b, b3b: I3DUnit

    init(_ w: WeightLoader, _ name: String, inC: Int, _ c: [Int], eps: Double) {
        b0 = I3DUnit(w, "\(name).b0", inC: inC, outC: c[0], kernel: [1, 1, 1], eps: eps)
        b1a = I3DUnit(w, "\(name).b1a", inC: inC, outC: c[1], kernel: [1, 1, 1], eps: eps)
        b1b = I3DUnit(w, "\(name).b1b", inC: c[1], outC: c[2], kernel: [3, 3, 3], eps: eps)
        b2a = I3DUnit(w, "\(name).b2a", inC: inC, outC: c[3], kernel: [1, 1, 1], eps: eps)
        b2b = I3DUnit(w, "\(name).b2b", inC: c[3], outC: c[4], kernel: [3, 3, 3], eps: eps)
        b3b = I3DUnit(w, "\(name).b3b", inC: inC, outC: c[5], kernel: [1, 1, 1], eps: eps)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let parts = [b0(x), b1b(b1a(x)), b2b(b2a(x)),
                     b3b(SamePadding.maxPool3d(x, kernel: [3, 3, 3], stride: [1, 1, 1]))]
        return concatChannels(parts)
    }
}

/// Concatenates [N,C_i,...] tensors along axis 1.
func concatChannels(_ parts: [Tensor]) -> Tensor {
    let n = parts[0].shape[0]
    let inner = parts[0].count / (n * parts[0].shape[1])
    let total = parts.reduce(0) { $0 + $1.shape[1] }
    var data = [Float](); data.reserveCapacity(n * total * inner)
    for b in 0..<n {
        for p in parts {
            let len = p.shape[1] * inner
            data.append(contentsOf: p.data[(b * len)..<((b + 1) * len)])
        }
    }
    var shape = parts[0].shape; shape[1] = total
    return Tensor(shape: shape, data: data)
}

/// InceptionI3d (eval mode), weights keyed as `i3d_pretrained_400.pt` (no prefix).
public final class I3D {
    public static let endpointNames = [
        "Conv3d_1a_7x7", "MaxPool3d_2a_3x3", "Conv3d_2b_1x1", "Conv3d_2c_3x3", "MaxPool3d_3a_3x3",
        "Mixed_3b", "Mixed_3c", "MaxPool3d_4a_3x3", "Mixed_4b", "Mixed_4c", "Mixed_4d", "Mixed_4e", "Mixed_4f",
        "MaxPool3d_5a_2x2", "Mixed_5b", "Mixed_5c",
    ]
    static let mixedChannels: [(String, Int, [Int])] = [
        ("Mixed_3b", 192, [64, 96, 128, 16, 32, 32]), ("Mixed_3c", 256, [128, 128, 192, 32, 96, 64]),
        ("Mixed_4b", 480, [192, 96, 208, 16, 48, 64]), ("Mixed_4c", 512, [160, 112, 224, 24, 64, 64]),
        ("Mixed_4d", 512, [128, 128, 256, 24, 64, 64]), ("Mixed_4e", 512, [112, 144, 288, 32, 64, 64]),
        ("Mixed_4f", 528, [256, 160, 320, 32, 128, 128]), ("Mixed_5b", 832, [256, 160, 320, 32, 128, 128]),
        ("Mixed_5c", 832, [384, 192, 384, 48, 128, 128]),
    ]

    public let config: I3DConfig
    let conv1a, conv2b, conv2c: I3DUnit
    let mixed: [String: I3DMixed]
    let logits: I3DUnit

    /// Binds the weights of `view` (keys as `InceptionI3d.state_dict()`); throws one error listing every
    /// missing, unexpected and mis-shaped key. `num_batches_tracked` counters are ignored.
    public convenience init(_ view: StateDictView, config: I3DConfig = I3DConfig()) throws {
        let w = WeightLoader(view, what: "I3D")
        w.ignoredKeyPrefixes = view.keys.filter { $0.hasSuffix("num_batches_tracked") }
        self.init(loader: w, config: config)
        try w.finish()
    }

    init(loader w: WeightLoader, config: I3DConfig) {
        self.config = config
        let eps = config.batchNormEps
        conv1a = I3DUnit(w, "Conv3d_1a_7x7", inC: config.inChannels, outC: 64, kernel: [7, 7, 7], stride: [2, 2, 2], eps: eps)
        conv2b = I3DUnit(w, "Conv3d_2b_1x1", inC: 64, outC: 64, kernel: [1, 1, 1], eps: eps)
        conv2c = I3DUnit(w, "Conv3d_2c_3x3", inC: 64, outC: 192, kernel: [3, 3, 3], eps: eps)
        var m: [String: I3DMixed] = [:]
        for (name, inC, ch) in I3D.mixedChannels { m[name] = I3DMixed(w, name, inC: inC, ch, eps: eps) }
        mixed = m
        logits = I3DUnit(w, "logits", inC: 1024, outC: config.numClasses, kernel: [1, 1, 1], eps: eps, batchNorm: false)
    }

    /// The smallest clip the network accepts: the final AvgPool3d([2,7,7]) needs a Mixed_5c map of at
    /// least 2×7×7, i.e. T ≥ 9 and H, W ≥ 193.
    public static func checkInput(_ shape: [Int], inChannels: Int = 3) throws {
        guard shape.count == 5, shape[1] == inChannels else {
            throw FSError("I3D input must be [N,\(inChannels),T,H,W], got \(shape)")
        }
        guard shape[2] >= 9, shape[3] >= 193, shape[4] >= 193 else {
            throw FSError("I3D input \(shape[2])x\(shape[3])x\(shape[4]) (T×H×W) is too small: needs T ≥ 9 and H, W ≥ 193")
        }
    }

    /// Mixed_5c features [N,1024,T5,H5,W5]; `endpoint` receives every named endpoint.
    public func mixed5c(_ x: Tensor, endpoint: ((String, Tensor) -> Void)? = nil) throws -> Tensor {
        try I3D.checkInput(x.shape, inChannels: config.inChannels)
        var h = conv1a(x); endpoint?("Conv3d_1a_7x7", h)
        h = SamePadding.maxPool3d(h, kernel: [1, 3, 3], stride: [1, 2, 2]); endpoint?("MaxPool3d_2a_3x3", h)
        h = conv2b(h); endpoint?("Conv3d_2b_1x1", h)
        h = conv2c(h); endpoint?("Conv3d_2c_3x3", h)
        h = SamePadding.maxPool3d(h, kernel: [1, 3, 3], stride: [1, 2, 2]); endpoint?("MaxPool3d_3a_3x3", h)
        for name in ["Mixed_3b", "Mixed_3c"] { h = mixed[name]!(h); endpoint?(name, h) }
        h = SamePadding.maxPool3d(h, kernel: [3, 3, 3], stride: [2, 2, 2]); endpoint?("MaxPool3d_4a_3x3", h)
        for name in ["Mixed_4b", "Mixed_4c", "Mixed_4d", "Mixed_4e", "Mixed_4f"] { h = mixed[name]!(h); endpoint?(name, h) }
        h = SamePadding.maxPool3d(h, kernel: [2, 2, 2], stride: [2, 2, 2]); endpoint?("MaxPool3d_5a_2x2", h)
        for name in ["Mixed_5b", "Mixed_5c"] { h = mixed[name]!(h); endpoint?(name, h) }
        return h
    }

    /// AvgPool3d([2,7,7], stride 1, no padding) of Mixed_5c: [N,1024,T',H',W'] (`extract_features`).
    public static func averagePool(_ x: Tensor) -> Tensor {
        let (n, c, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
        let to = t - 1, ho = h - 6, wo = w - 6
        var out = Tensor(zeros: [n, c, to, ho, wo])
        for nc in 0..<(n * c) {
            let base = nc * t * h * w
            for a in 0..<to { for y in 0..<ho { for z in 0..<wo {
                var s = 0.0
                for dt in 0..<2 { for dy in 0..<7 { for dz in 0..<7 {
                    s += Double(x.data[base + ((a + dt) * h + y + dy) * w + z + dz])
                } } }
                out.data[((nc * to + a) * ho + y) * wo + z] = Float(s / 98)
            } } }
        }
        return out
    }

    /// `extract_features()`: the average-pooled Mixed_5c map [N,1024,T',1,1] (for 224×224 input).
    public func features(_ x: Tensor) throws -> Tensor { I3D.averagePool(try mixed5c(x)) }

    /// Per-time-step logits [N,classes,T'] (spatially squeezed; needs a 1×1 pooled map, e.g. 193…224 px).
    public func logitsPerTime(features f: Tensor) throws -> Tensor {
        guard f.shape[3] == 1, f.shape[4] == 1 else {
            throw FSError("I3D logits need a 1x1 pooled map (input H, W in 193...224), got \(f.shape[3])x\(f.shape[4])")
        }
        let y = logits(f)
        return y.reshaped([y.shape[0], y.shape[1], y.shape[2]])
    }

    /// `forward()`: logits [N,classes] averaged over time (common_metrics) or [N,classes,T'] (piergiaj).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let perT = try logitsPerTime(features: features(x))
        return config.timeMean ? I3D.timeMean(perT) : perT
    }

    package static func timeMean(_ x: Tensor) -> Tensor {
        let (n, c, t) = (x.shape[0], x.shape[1], x.shape[2])
        var out = Tensor(zeros: [n, c])
        for i in 0..<(n * c) {
            var s = 0.0
            for j in 0..<t { s += Double(x.data[i * t + j]) }
            out.data[i] = Float(s / Double(t))
        }
        return out
    }
}
