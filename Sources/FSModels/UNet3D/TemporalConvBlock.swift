import FSTensor

/// lvdm `TemporalConvBlock` (tempspatial_aware false): `x + conv4(conv3(conv2(conv1(x))))` on `[b, C, t, H, W]`;
/// each convK = GroupNorm(32, eps 1e-5) → SiLU → (Dropout, inactive) → Conv3d (3,1,1) with zero padding 1 in time.
/// Keys `conv1.0`/`conv1.2`, `convK.0`/`convK.3` for K = 2…4.
struct TemporalConvBlock {
    struct Stage {
        let norm: GroupNormLayer
        let weight: TemporalConvWeight, bias: Tensor
    }
    let stages: [Stage]

    init(_ w: WeightScope, channels c: Int) {
        stages = (1...4).map { k in
            let s = w.scope("conv\(k)")
            let convIndex = k == 1 ? "2" : "3"
            return Stage(norm: GroupNormLayer(s, "0", channels: c, eps: 1e-5),
                         weight: TemporalConvWeight(s(convIndex + ".weight", [c, c, 3, 1, 1]), precision: w.precision),
                         bias: s(convIndex + ".bias", [c]))
        }
    }

    /// `x [b, C, t, H, W]` → same shape.
    func callAsFunction(_ x: Tensor, name: String, run: UNetRun) -> Tensor {
        var h = x
        for (i, s) in stages.enumerated() {
            h = temporalConv(silu(s.norm(h)), weight: s.weight, bias: s.bias, padding: 1)
            if i < 3 { run.observe("\(name).conv\(i + 1)", h) }
        }
        h += x
        return h
    }
}
