import FSTensor

/// `nn.Linear` bound by key (`<name>.weight` `[out, in]`, `<name>.bias` `[out]`).
struct LinearLayer {
    let weight: LinearWeight
    let bias: Tensor?
    init(_ w: WeightScope, _ name: String, in inFeatures: Int, out outFeatures: Int, bias hasBias: Bool = true) {
        weight = w.linearWeight(name + ".weight", [outFeatures, inFeatures])
        bias = hasBias ? w(name + ".bias", [outFeatures]) : nil
    }
    func callAsFunction(_ x: Tensor) -> Tensor { linear(x, weight: weight, bias: bias) }
}

/// `nn.Conv2d` (square kernel, stride, symmetric padding). `name` is the lvdm module path, used by the
/// dilation hook; a dilated 3×3 conv runs with padding = dilation.
struct Conv2DLayer {
    let name: String
    let weight: ConvWeight
    let bias: Tensor
    let kernel: Int
    let stride: Int
    let padding: Int
    init(_ w: WeightScope, _ key: String, name: String, in inC: Int, out outC: Int, kernel: Int,
         stride: Int = 1, padding: Int) {
        self.name = name
        weight = w.convWeight(key + ".weight", [outC, inC, kernel, kernel])
        bias = w(key + ".bias", [outC])
        self.kernel = kernel; self.stride = stride; self.padding = padding
    }
    func callAsFunction(_ x: Tensor, _ run: UNetRun) -> Tensor {
        let d = kernel == 3 ? run.dilation(name) : 1
        return conv2d(x, weight: weight, bias: bias, stride: stride, padding: d == 1 ? padding : d, dilation: d)
    }
}

/// `nn.GroupNorm(32, C, eps)`; statistics over everything after the channel axis.
struct GroupNormLayer {
    let weight: Tensor
    let bias: Tensor
    let eps: Float
    init(_ w: WeightScope, _ name: String, channels: Int, eps: Float) {
        weight = w(name + ".weight", [channels])
        bias = w(name + ".bias", [channels])
        self.eps = eps
    }
    func callAsFunction(_ x: Tensor) -> Tensor { groupNorm(x, groups: 32, weight: weight, bias: bias, eps: eps) }
}

/// `nn.LayerNorm(C)` (eps 1e-5) over the last axis.
struct LayerNormLayer {
    let weight: Tensor
    let bias: Tensor
    init(_ w: WeightScope, _ name: String, channels: Int) {
        weight = w(name + ".weight", [channels])
        bias = w(name + ".bias", [channels])
    }
    func callAsFunction(_ x: Tensor) -> Tensor { layerNorm(x, weight: weight, bias: bias, eps: 1e-5) }
}
