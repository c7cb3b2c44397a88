import FSTensor

/// lvdm `Downsample` (conv_resample): Conv2d 3×3, stride 2, symmetric padding 1 (key `op`).
struct Downsample {
    let conv: Conv2DLayer
    init(_ w: WeightScope, name: String, channels: Int) {
        conv = Conv2DLayer(w, "op", name: name + ".op", in: channels, out: channels, kernel: 3, stride: 2, padding: 1)
    }
    func callAsFunction(_ x: Tensor, run: UNetRun) -> Tensor { conv(x, run) }
}

/// lvdm `Upsample` (conv_resample): nearest ×2 (each pixel repeated 2×2), then Conv2d 3×3 padding 1 (key `conv`).
struct Upsample {
    let conv: Conv2DLayer
    init(_ w: WeightScope, name: String, channels: Int) {
        conv = Conv2DLayer(w, "conv", name: name + ".conv", in: channels, out: channels, kernel: 3, padding: 1)
    }
    func callAsFunction(_ x: Tensor, run: UNetRun) -> Tensor { conv(upsampleNearest2x(x), run) }
}
