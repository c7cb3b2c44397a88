import Foundation
import FSCheckpoint
import FSTensor

/// A Conv2d with bias, per-axis padding (RAFT's GRU uses 1×5 and 5×1 kernels).
struct RAFTConv {
    let weight: Tensor
    let bias: Tensor
    let stride: Int
    let padding: (Int, Int)

    init(_ w: WeightLoader, _ name: String, inC: Int, outC: Int, kernel: (Int, Int), stride: Int = 1, padding: (Int, Int)? = nil) {
        weight = w.tensor("\(name).weight", shape: [outC, inC, kernel.0, kernel.1])
        bias = w.tensor("\(name).bias", shape: [outC])
        self.stride = stride
        self.padding = padding ?? (kernel.0 / 2, kernel.1 / 2)
    }

    init(_ w: WeightLoader, _ name: String, inC: Int, outC: Int, kernel: Int, stride: Int = 1) {
        self.init(w, name, inC: inC, outC: outC, kernel: (kernel, kernel), stride: stride)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        EvalConv.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// The two normalisations of RAFT's encoders: InstanceNorm2d without affine or running statistics
/// (feature encoder) and eval-mode BatchNorm2d (context encoder). Both eps 1e-5.
enum RAFTNorm {
    case instance
    case batch(scale: [Float], shift: [Float])

    init(_ w: WeightLoader, _ name: String?, channels c: Int, batch: Bool) {
        guard batch, let name else { self = .instance; return }
        let f = EvalConv.batchNormFold(weight: w.tensor("\(name).weight", shape: [c]), bias: w.tensor("\(name).bias", shape: [c]),
                                       mean: w.tensor("\(name).running_mean", shape: [c]),
                                       variance: w.tensor("\(name).running_var", shape: [c]), eps: 1e-5)
        self = .batch(scale: f.scale, shift: f.shift)
    }

    func apply(_ x: inout Tensor, relu: Bool) {
        switch self {
        case let .batch(scale, shift):
            EvalConv.channelAffine(&x, scale: scale, shift: shift, relu: relu)
        case .instance:
            let n = x.shape[0], c = x.shape[1], inner = x.count / (n * c)
            var scale = [Float](repeating: 1, count: n * c), shift = [Float](repeating: 0, count: n * c)
            for nc in 0..<(n * c) {
                var s = 0.0, s2 = 0.0
                for i in 0..<inner { let v = Double(x.data[nc * inner + i]); s += v; s2 += v * v }
                let mean = s / Double(inner)
                let variance = Swift.max(s2 / Double(inner) - mean * mean, 0)   // biased
                let a = 1 / (variance + 1e-5).squareRoot()
                scale[nc] = Float(a); shift[nc] = Float(-mean * a)
            }
            // Treat (n, c) as one channel axis of size n·c.
            var flat = x.reshaped([1, n * c, inner])
            EvalConv.channelAffine(&flat, scale: scale, shift: shift, relu: relu)
            x = flat.reshaped(x.shape)
        }
    }
}

/// RAFT `ResidualBlock`: y = relu(n1(conv1 x)); y = relu(n2(conv2 y)); stride 2: x = n3(conv1x1(x)); relu(x + y).
struct RAFTResidualBlock {
    let conv1, conv2: RAFTConv
    let norm1, norm2: RAFTNorm
    let downsample: (RAFTConv, RAFTNorm)?

    init(_ w: WeightLoader, _ name: String, inC: Int, planes: Int, stride: Int, batchNorm: Bool) {
        conv1 = RAFTConv(w, "\(name).conv1", inC: inC, outC: planes, kernel: 3, stride: stride)
        conv2 = RAFTConv(w, "\(name).conv2", inC: planes, outC: planes, kernel: 3)
        norm1 = RAFTNorm(w, "\(name).norm1", channels: planes, batch: batchNorm)
        norm2 = RAFTNorm(w, "\(name).norm2", channels: planes, batch: batchNorm)
        if stride != 1 {
            // The reference registers this BatchNorm twice (norm3 and downsample.1); both keys are in the
            // checkpoint with identical values. Bind both, use downsample.1.
            if batchNorm { _ = RAFTNorm(w, "\(name).norm3", channels: planes, batch: true) }
            downsample = (RAFTConv(w, "\(name).downsample.0", inC: inC, outC: planes, kernel: 1, stride: stride),
                          RAFTNorm(w, "\(name).downsample.1", channels: planes, batch: batchNorm))
        } else {
            downsample = nil
        }
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var y = conv1(x); norm1.apply(&y, relu: true)
        y = conv2(y); norm2.apply(&y, relu: true)
        var skip = x
        if let (conv, norm) = downsample { skip = conv(x); norm.apply(&skip, relu: false) }
        for i in 0..<y.count { y.data[i] = Swift.max(y.data[i] + skip.data[i], 0) }
        return y
    }
}

/// RAFT `BasicEncoder` (output_dim 256): conv 7×7/2 → norm → ReLU → 3 layers of 2 residual blocks
/// (64, 96/2, 128/2) → conv 1×1 → [N,256,H/8,W/8].
struct RAFTEncoder {
    let conv1: RAFTConv
    let norm1: RAFTNorm
    let blocks: [RAFTResidualBlock]
    let conv2: RAFTConv

    init(_ w: WeightLoader, _ name: String, batchNorm: Bool, outputDim: Int = 256) {
        conv1 = RAFTConv(w, "\(name).conv1", inC: 3, outC: 64, kernel: 7, stride: 2)
        norm1 = RAFTNorm(w, "\(name).norm1", channels: 64, batch: batchNorm)
        var b: [RAFTResidualBlock] = []
        var inC = 64
        for (layer, (planes, stride)) in [(64, 1), (96, 2), (128, 2)].enumerated() {
            b.append(RAFTResidualBlock(w, "\(name).layer\(layer + 1).0", inC: inC, planes: planes, stride: stride, batchNorm: batchNorm))
            b.append(RAFTResidualBlock(w, "\(name).layer\(layer + 1).1", inC: planes, planes: planes, stride: 1, batchNorm: batchNorm))
            inC = planes
        }
        blocks = b
        conv2 = RAFTConv(w, "\(name).conv2", inC: 128, outC: outputDim, kernel: 1)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = conv1(x); norm1.apply(&h, relu: true)
        for b in blocks { h = b(h) }
        return conv2(h)
    }
}

/// Elementwise helpers on tensors.
extension Tensor {
    func mapped(_ f: (Float) -> Float) -> Tensor { Tensor(shape: shape, data: data.map(f)) }
    var relu: Tensor { mapped { Swift.max($0, 0) } }
    var tanhed: Tensor { mapped { Foundation.tanh($0) } }
    var sigmoid: Tensor { mapped { 1 / (1 + Foundation.exp(-$0)) } }

    /// Channels [from, to) of an [1,C,H,W] tensor.
    func channels(_ r: Range<Int>) -> Tensor {
        let inner = count / (shape[0] * shape[1])
        precondition(shape[0] == 1)
        return Tensor(shape: [1, r.count] + shape[2...], data: Array(data[(r.lowerBound * inner)..<(r.upperBound * inner)]))
    }
}
