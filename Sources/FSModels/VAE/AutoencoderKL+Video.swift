import FSTensor

/// Clip helpers: VideoCrafter2 runs its 2-D VAE on each frame independently (`decode_first_stage_2DAE`),
/// so a clip is encoded / decoded one frame at a time and peak memory is one frame's activations.
/// Clips are `[c, t, h, w]` or `[b, c, t, h, w]`; the result has the same rank.
extension AutoencoderKL {
    /// Per-frame posterior of a clip in [−1, 1]: mean and (clamped) logvar, `[(b,) embed_dim, t, h/f, w/f]`.
    public func encodeVideo(_ video: Tensor, onFrame: ((Int, Int) -> Void)? = nil) throws -> DiagonalGaussian {
        let v = try Self.asBatchedClip(video, channels: config.ddconfig.inChannels, what: "VAE encode")
        let (b, t) = (v.shape[0], v.shape[2])
        var means: [Tensor] = [], logvars: [Tensor] = []
        means.reserveCapacity(b * t); logvars.reserveCapacity(b * t)
        for i in 0..<b {
            for j in 0..<t {
                let post = try encode(Self.frame(v, batch: i, time: j))
                means.append(post.mean); logvars.append(post.logvar)
                onFrame?(i * t + j + 1, b * t)
            }
        }
        let mean = Self.assemble(means, batch: b, frames: t), logvar = Self.assemble(logvars, batch: b, frames: t)
        return video.rank == 4 ? DiagonalGaussian(mean: mean.reshaped(Array(mean.shape.dropFirst())),
                                                  logvar: logvar.reshaped(Array(logvar.shape.dropFirst())))
                               : DiagonalGaussian(mean: mean, logvar: logvar)
    }

    /// Decodes latents `[(b,) embed_dim, t, h, w]` (already divided by the latent scale factor) frame by frame.
    public func decodeVideo(_ latents: Tensor, onFrame: ((Int, Int) -> Void)? = nil) throws -> Tensor {
        let z = try Self.asBatchedClip(latents, channels: config.embedDim, what: "VAE decode")
        let (b, t) = (z.shape[0], z.shape[2])
        var frames: [Tensor] = []
        frames.reserveCapacity(b * t)
        for i in 0..<b {
            for j in 0..<t {
                frames.append(try decode(Self.frame(z, batch: i, time: j)))
                onFrame?(i * t + j + 1, b * t)
            }
        }
        let out = Self.assemble(frames, batch: b, frames: t)
        return latents.rank == 4 ? out.reshaped(Array(out.shape.dropFirst())) : out
    }

    static func asBatchedClip(_ x: Tensor, channels: Int, what: String) throws -> Tensor {
        let v: Tensor
        switch x.rank {
        case 4: v = x.reshaped([1] + x.shape)
        case 5: v = x
        default: throw FSError("\(what): expected a clip [c, t, h, w] or [b, c, t, h, w], got \(x.shape)")
        }
        guard v.shape[1] == channels else { throw FSError("\(what): clip has \(v.shape[1]) channels, expected \(channels)") }
        guard v.shape[2] > 0 else { throw FSError("\(what): clip has no frames") }
        return v
    }

    /// Frame `time` of batch element `batch` of [b, c, t, h, w] as [1, c, h, w].
    static func frame(_ v: Tensor, batch: Int, time: Int) -> Tensor {
        let (c, t, h, w) = (v.shape[1], v.shape[2], v.shape[3], v.shape[4])
        let plane = h * w
        return Tensor(shape: [1, c, h, w]) { dst in
            v.data.withUnsafeBufferPointer { src in
                for ch in 0..<c {
                    let s = ((batch * c + ch) * t + time) * plane
                    (dst.baseAddress! + ch * plane).update(from: src.baseAddress! + s, count: plane)
                }
            }
        }
    }

    /// Frames [1, c, h, w] in (batch, time) order → [b, c, t, h, w].
    static func assemble(_ frames: [Tensor], batch b: Int, frames t: Int) -> Tensor {
        let (c, h, w) = (frames[0].shape[1], frames[0].shape[2], frames[0].shape[3])
        let plane = h * w
        return Tensor(shape: [b, c, t, h, w]) { dst in
            for i in 0..<b {
                for j in 0..<t {
                    frames[i * t + j].data.withUnsafeBufferPointer { src in
                        for ch in 0..<c {
                            (dst.baseAddress! + ((i * c + ch) * t + j) * plane).update(from: src.baseAddress! + ch * plane, count: plane)
                        }
                    }
                }
            }
        }
    }
}
