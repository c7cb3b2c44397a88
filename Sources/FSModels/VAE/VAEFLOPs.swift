/// Analytic multiply-add count (×2 = FLOPs) of the VAE's convolutions, linear maps and attention, for
/// benchmark reports. Norms and pointwise activations are not counted.
extension AutoencoderKLConfig {
    static func conv(_ cin: Int, _ cout: Int, _ k: Int, _ pixels: Int) -> Double { 2 * Double(cin * cout * k * k) * Double(pixels) }
    static func attn(_ c: Int, _ n: Int) -> Double { 4 * 2 * Double(c * c) * Double(n) + 4 * Double(n) * Double(n) * Double(c) }
    static func resnet(_ cin: Int, _ cout: Int, _ pixels: Int) -> Double {
        conv(cin, cout, 3, pixels) + conv(cout, cout, 3, pixels) + (cin == cout ? 0 : conv(cin, cout, 1, pixels))
    }

    /// FLOPs of `decode` for one latent frame of `h × w`.
    public func decodeFLOPs(latentHeight h: Int, latentWidth w: Int) -> Double {
        let d = ddconfig, n = d.chMult.count
        var c = d.ch * d.chMult[n - 1]
        var px = h * w
        var f = Self.conv(embedDim, d.zChannels, 1, px) + Self.conv(d.zChannels, c, 3, px)
        f += 2 * Self.resnet(c, c, px) + Self.attn(c, px)
        for i in stride(from: n - 1, through: 0, by: -1) {
            let out = d.ch * d.chMult[i]
            for _ in 0...d.numResBlocks { f += Self.resnet(c, out, px); c = out }
            if i != 0 { px *= 4; f += Self.conv(c, c, 3, px) }
        }
        return f + Self.conv(c, d.outCh, 3, px)
    }

    /// FLOPs of `moments` (encoder + quant_conv) for one image of `H × W`.
    public func encodeFLOPs(height: Int, width: Int) -> Double {
        let d = ddconfig, n = d.chMult.count
        var px = height * width
        var f = Self.conv(d.inChannels, d.ch, 3, px)
        var c = d.ch
        for i in 0..<n {
            let out = d.ch * d.chMult[i]
            for _ in 0..<d.numResBlocks { f += Self.resnet(c, out, px); c = out }
            if i != n - 1 { px /= 4; f += Self.conv(c, c, 3, px) }
        }
        f += 2 * Self.resnet(c, c, px) + Self.attn(c, px)
        let z = d.doubleZ ? 2 * d.zChannels : d.zChannels
        return f + Self.conv(c, z, 3, px) + Self.conv(z, z, 1, px)
    }
}

extension OpenCLIPTextConfig {
    /// FLOPs of encoding `prompts` prompts through `layers` resblocks (projections, MLP, attention).
    public func encodeFLOPs(prompts: Int, layers: Int) -> Double {
        let w = Double(textCfg.width), l = Double(textCfg.contextLength), m = Double(mlpWidth)
        let perToken = 2 * (4 * w * w + 2 * w * m) + 4 * l * w
        return Double(prompts) * l * Double(layers) * perToken
    }
}
