import FSTensor

/// lvdm `ResBlock` (use_scale_shift_norm false, no up/down): `h = in_layers(x)` (GN → SiLU → Conv3×3);
/// `h += emb_layers(emb)` broadcast over H, W; `h = out_layers(h)` (GN → SiLU → Dropout → Conv3×3);
/// `h = skip(x) + h` (identity or 1×1 conv); then the TemporalConvBlock on the 5-D view — inside the
/// ResBlock, after the residual add (as lvdm does).
struct ResBlock {
    let name: String
    let inNorm: GroupNormLayer
    let inConv: Conv2DLayer
    let embLinear: LinearLayer
    let outNorm: GroupNormLayer
    let outConv: Conv2DLayer
    let skip: Conv2DLayer?
    let temporal: TemporalConvBlock?

    init(_ w: WeightScope, name: String, inChannels: Int, outChannels: Int, embChannels: Int, temporalConv: Bool) {
        self.name = name
        inNorm = GroupNormLayer(w, "in_layers.0", channels: inChannels, eps: 1e-5)
        inConv = Conv2DLayer(w, "in_layers.2", name: name + ".in_layers.2", in: inChannels, out: outChannels,
                             kernel: 3, padding: 1)
        embLinear = LinearLayer(w, "emb_layers.1", in: embChannels, out: outChannels)
        outNorm = GroupNormLayer(w, "out_layers.0", channels: outChannels, eps: 1e-5)
        outConv = Conv2DLayer(w, "out_layers.3", name: name + ".out_layers.3", in: outChannels, out: outChannels,
                              kernel: 3, padding: 1)
        skip = inChannels == outChannels ? nil
            : Conv2DLayer(w, "skip_connection", name: name + ".skip_connection", in: inChannels, out: outChannels,
                          kernel: 1, padding: 0)
        temporal = temporalConv ? TemporalConvBlock(w.scope("temopral_conv"), channels: outChannels) : nil
    }

    /// `x [(b·t), C, H, W]`, `emb [(b·t), E]`.
    func callAsFunction(_ x: Tensor, emb: Tensor, run: UNetRun) -> Tensor {
        var h = inConv(silu(inNorm(x)), run)
        run.observe(name + ".in_layers", h)
        let e = embLinear(silu(emb))
        run.observe(name + ".emb_layers", e)
        VideoLayout.addPerSampleChannelBias(&h, e)
        h = outConv(silu(outNorm(h)), run)
        run.observe(name + ".out_layers", h)
        if let skip { h += skip(x, run) } else { h += x }
        guard let temporal else { return h }
        let v = VideoLayout.toVideo(h, batch: run.batch)
        run.observe(name + ".temopral_conv:input", v)
        let y = temporal(v, name: name + ".temopral_conv", run: run)
        run.observe(name + ".temopral_conv", y)
        return VideoLayout.toFrames(y)
    }
}
