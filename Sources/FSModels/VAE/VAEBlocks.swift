import FSTensor

/// `nn.Conv2d` of the VAE (square kernel, stride, symmetric padding), bound by key.
struct VAEConv {
    let weight: ConvWeight
    let bias: Tensor
    let stride: Int
    let padding: Int
    init(_ w: WeightScope, _ name: String, in inC: Int, out outC: Int, kernel: Int, stride: Int = 1, padding: Int) {
        weight = w.convWeight(name + ".weight", [outC, inC, kernel, kernel])
        bias = w(name + ".bias", [outC])
        self.stride = stride; self.padding = padding
    }
    func callAsFunction(_ x: Tensor) -> Tensor { conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding) }
}

/// `Normalize(C)`: GroupNorm(32, C, eps 1e-6, affine) — every VAE norm uses eps 1e-6.
func vaeNorm(_ w: WeightScope, _ name: String, channels: Int) -> GroupNormLayer {
    GroupNormLayer(w, name, channels: channels, eps: 1e-6)
}

/// lvdm `ResnetBlock` without timestep input: norm1 → swish → conv1 → norm2 → swish → (dropout) → conv2,
/// plus the input (through a 1×1 `nin_shortcut` when the channel count changes).
struct VAEResnetBlock {
    let norm1: GroupNormLayer, conv1: VAEConv, norm2: GroupNormLayer, conv2: VAEConv
    let shortcut: VAEConv?

    init(_ w: WeightScope, in inC: Int, out outC: Int) {
        norm1 = vaeNorm(w, "norm1", channels: inC)
        conv1 = VAEConv(w, "conv1", in: inC, out: outC, kernel: 3, padding: 1)
        norm2 = vaeNorm(w, "norm2", channels: outC)
        conv2 = VAEConv(w, "conv2", in: outC, out: outC, kernel: 3, padding: 1)
        shortcut = inC == outC ? nil : VAEConv(w, "nin_shortcut", in: inC, out: outC, kernel: 1, padding: 0)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = conv1(silu(norm1(x)))
        h = conv2(silu(norm2(h)))
        if let s = shortcut { h += s(x) } else { h += x }
        return h
    }
}

/// lvdm `AttnBlock` (vanilla): single-head attention over all H·W positions with 1×1-conv q/k/v/proj_out,
/// logits scaled by C^−0.5, residual. Runs through FSTensor's tiled attention (no H·W × H·W matrix).
struct VAEAttnBlock {
    let norm: GroupNormLayer
    let q: LinearWeight, k: LinearWeight, v: LinearWeight, proj: LinearWeight   // 1×1 conv weights as [C, C]
    let qb: Tensor, kb: Tensor, vb: Tensor, projb: Tensor
    let channels: Int
    let precision: Precision

    init(_ w: WeightScope, channels c: Int) {
        channels = c
        norm = vaeNorm(w, "norm", channels: c)
        func weight(_ n: String) -> LinearWeight { w.linearWeight(n + ".weight", [c, c, 1, 1]) }
        precision = w.precision
        q = weight("q"); k = weight("k"); v = weight("v"); proj = weight("proj_out")
        qb = w("q.bias", [c]); kb = w("k.bias", [c]); vb = w("v.bias", [c]); projb = w("proj_out.bias", [c])
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let (b, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        // tokens [b, h·w, c]: a 1×1 conv is a Linear over the channel axis.
        let tokens = norm(x).reshaped([b, c, h * wd]).permuted([0, 2, 1])
        let qt = linear(tokens, weight: q, bias: qb)
        let kt = linear(tokens, weight: k, bias: kb)
        let vt = linear(tokens, weight: v, bias: vb)
        let a = attention(q: qt, k: kt, v: vt, scale: 1 / Float(c).squareRoot(), precision: precision)
        let out = linear(a, weight: proj, bias: projb).permuted([0, 2, 1]).reshaped([b, c, h, wd])
        return x + out
    }
}

/// Encoder downsample: zero pad right and bottom by 1, then a 3×3 conv with stride 2 and no padding.
struct VAEDownsample {
    let conv: VAEConv
    init(_ w: WeightScope, channels c: Int) { conv = VAEConv(w, "conv", in: c, out: c, kernel: 3, stride: 2, padding: 0) }
    func callAsFunction(_ x: Tensor) -> Tensor { conv(pad2d(x, left: 0, right: 1, top: 0, bottom: 1)) }
}

/// Decoder upsample: nearest ×2 then a 3×3 conv with padding 1.
struct VAEUpsample {
    let conv: VAEConv
    init(_ w: WeightScope, channels c: Int) { conv = VAEConv(w, "conv", in: c, out: c, kernel: 3, padding: 1) }
    func callAsFunction(_ x: Tensor) -> Tensor { conv(upsampleNearest2x(x)) }
}

/// Optional recorder of intermediate activations by lvdm module path (parity debugging).
public typealias ActivationProbe = (String, Tensor) -> Void
