import FSCheckpoint
import FSTensor

/// lvdm `AutoencoderKL` as VideoCrafter2 uses it: `encode(image) → DiagonalGaussian(quant_conv(encoder(x)))`,
/// `decode(z) = decoder(post_quant_conv(z))`. Images are NCHW in [−1, 1]; latents have `embed_dim` channels
/// and 1/`downsamplingFactor` of the size. The 0.18215 latent scale factor is the caller's business.
public final class AutoencoderKL: @unchecked Sendable {
    public let config: AutoencoderKLConfig
    public let precision: Precision
    let encoder: VAEEncoder
    let decoder: VAEDecoder
    let quantConv: VAEConv
    let postQuantConv: VAEConv

    /// The key prefix of the VAE in a VideoCrafter2 checkpoint.
    public static let checkpointPrefix = "first_stage_model."

    /// Builds the VAE over a checkpoint view (`sd.view(prefix: "first_stage_model.")`); every missing,
    /// unexpected or mis-shaped key is reported in one FSError.
    public convenience init(config: AutoencoderKLConfig, weights: StateDictView, precision: Precision = .fp32) throws {
        let loader = WeightLoader(weights, what: "VAE (AutoencoderKL)")
        try self.init(config: config, source: loader, precision: precision)
        try loader.finish()
    }

    /// Builds the VAE from any weight source (checkpoint loader, synthetic weights, shape recorder).
    /// `precision`: what the convolutions, attention projections and products compute in (see `Precision`).
    public init(config: AutoencoderKLConfig, source: WeightSource, precision: Precision = .fp32) throws {
        try config.validate()
        self.config = config
        self.precision = precision
        let w = WeightScope(source, precision: precision)
        let d = config.ddconfig
        encoder = VAEEncoder(w.scope("encoder"), d)
        decoder = VAEDecoder(w.scope("decoder"), d)
        let zc = d.doubleZ ? 2 * d.zChannels : d.zChannels
        let moments = d.doubleZ ? 2 * config.embedDim : config.embedDim
        quantConv = VAEConv(w.with(.fp32), "quant_conv", in: zc, out: moments, kernel: 1, padding: 0)
        postQuantConv = VAEConv(w.with(.fp32), "post_quant_conv", in: config.embedDim, out: d.zChannels, kernel: 1, padding: 0)
    }

    public var latentChannels: Int { config.embedDim }
    public var downsamplingFactor: Int { config.downsamplingFactor }

    /// `quant_conv(encoder(image))`: image [n, in_channels, H, W] → moments [n, 2·embed_dim, H/f, W/f].
    public func moments(_ image: Tensor, probe: ActivationProbe? = nil) throws -> Tensor {
        try checkImage(image)
        let m = quantConv(encoder(image, probe: probe))
        probe?("quant_conv", m)
        return m
    }

    /// The posterior q(z | image).
    public func encode(_ image: Tensor, probe: ActivationProbe? = nil) throws -> DiagonalGaussian {
        guard config.ddconfig.doubleZ else { throw FSError("VAE: encode needs double_z (mean and logvar)") }
        return try DiagonalGaussian(moments: moments(image, probe: probe))
    }

    /// `decoder(post_quant_conv(z))`: z [n, embed_dim, h, w] → image [n, out_ch, h·f, w·f].
    public func decode(_ z: Tensor, probe: ActivationProbe? = nil) throws -> Tensor {
        guard z.rank == 4, z.shape[1] == config.embedDim, z.shape[2] > 0, z.shape[3] > 0 else {
            throw FSError("VAE decode: latent must be [n, \(config.embedDim), h, w], got \(z.shape)")
        }
        let h = postQuantConv(z)
        probe?("post_quant_conv", h)
        return decoder(h, probe: probe)
    }

    func checkImage(_ x: Tensor) throws {
        let f = downsamplingFactor
        guard x.rank == 4, x.shape[1] == config.ddconfig.inChannels else {
            throw FSError("VAE encode: image must be [n, \(config.ddconfig.inChannels), H, W], got \(x.shape)")
        }
        guard x.shape[2] > 0, x.shape[3] > 0, x.shape[2] % f == 0, x.shape[3] % f == 0 else {
            throw FSError("VAE encode: frame size \(x.shape[3])x\(x.shape[2]) (WxH) is not a multiple of \(f)")
        }
    }
}

/// lvdm `DiagonalGaussianDistribution`: first half of the moment channels = mean, second = logvar clamped
/// to [−30, 20]; std = exp(logvar/2), var = exp(logvar).
public struct DiagonalGaussian: Sendable {
    public let mean: Tensor
    public let logvar: Tensor

    public init(moments: Tensor) throws {
        guard moments.rank >= 2, moments.shape[1] % 2 == 0 else {
            throw FSError("posterior moments need an even channel count, got \(moments.shape)")
        }
        let halves = moments.chunked(2, axis: 1)
        mean = halves[0]
        logvar = halves[1].map { min(max($0, -30), 20) }
    }

    public init(mean: Tensor, logvar: Tensor) { self.mean = mean; self.logvar = logvar }

    public var std: Tensor { logvar.map { expf(0.5 * $0) } }
    public var variance: Tensor { logvar.map { expf($0) } }

    /// `mean + std · noise` (noise N(0, 1) of the mean's shape, drawn by the caller).
    public func sample(noise: Tensor) throws -> Tensor {
        guard noise.shape == mean.shape else { throw FSError("posterior sample: noise shape \(noise.shape) ≠ \(mean.shape)") }
        var out = mean
        logvar.data.withUnsafeBufferPointer { lv in
            noise.data.withUnsafeBufferPointer { n in
                out.data.withUnsafeMutableBufferPointer { o in
                    for i in 0..<o.count { o[i] += expf(0.5 * lv[i]) * n[i] }
                }
            }
        }
        return out
    }

    /// The mode (= mean).
    public func mode() -> Tensor { mean }
}

import Foundation
