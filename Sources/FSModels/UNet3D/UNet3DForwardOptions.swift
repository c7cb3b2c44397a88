import FSTensor

/// Per-forward settings of `UNet3D`: per-conv dilation, the spatial self-attention strategy, the sampler
/// step they are used at, and an optional activation observer.
public struct UNet3DForwardOptions {
    /// lvdm module name of a 3×3 `Conv2d` (e.g. `input_blocks.4.0.in_layers.2`, `input_blocks.3.0.op`)
    /// → dilation; the conv then runs with padding = dilation (stride kept), so sizes do not change.
    /// Names that are not 3×3 Conv2d modules of this UNet are refused by `forward`.
    public var convDilation: [String: Int]
    /// Self-attention of every SpatialTransformer block; nil = plain global attention.
    public var spatialSelfAttention: SpatialSelfAttentionStrategy?
    /// The sampler's step index of this forward, handed to the strategy in every `SpatialSelfAttentionSite`.
    public var step: Int
    /// Called with (lvdm module path, output) for the intermediates the parity fixtures record
    /// (`input_blocks.1`, `input_blocks.1.0.in_layers`, `init_attn.0.proj_in`, …). Layouts are lvdm's.
    public var observer: ((String, Tensor) -> Void)?

    public init(convDilation: [String: Int] = [:], spatialSelfAttention: SpatialSelfAttentionStrategy? = nil,
                step: Int = 0, observer: ((String, Tensor) -> Void)? = nil) {
        self.convDilation = convDilation
        self.spatialSelfAttention = spatialSelfAttention
        self.step = step
        self.observer = observer
    }
}

/// What every layer needs during one forward: the hooks plus the batch/frame layout.
struct UNetRun {
    let options: UNet3DForwardOptions
    /// Videos in the batch (b) and frames per video (t); 4-D activations are `[(b·t), C, H, W]`.
    let batch: Int
    let frames: Int
    let spatialStrategy: SpatialSelfAttentionStrategy

    func dilation(_ name: String) -> Int { options.convDilation[name] ?? 1 }

    func observe(_ name: String, _ t: @autoclosure () -> Tensor) {
        if let o = options.observer { o(name, t()) }
    }
    var observing: Bool { options.observer != nil }
}
