import FSTensor

/// How model outputs in [-1, 1] become bytes.
public enum Quantization: Sendable {
    /// clamp, (x+1)/2·255, round to nearest (ties to even, as torch.round) — fsvideo's default.
    case round
    /// clamp, (x+1)/2·255, truncate — what VideoCrafter's `save_videos` does (`.to(torch.uint8)`).
    case truncate
}

extension Frames {
    /// Frames from a model tensor [3, t, h, w] (or [1, 3, t, h, w]) with values in [-1, 1].
    /// NaN becomes 0 (black).
    public init(tensor: Tensor, quantization: Quantization = .round) throws {
        var shape = tensor.shape
        if shape.count == 5 {
            guard shape[0] == 1 else { throw FSError("frames from tensor: batch of \(shape[0]) clips, expected 1") }
            shape.removeFirst()
        }
        guard shape.count == 4, shape[0] == 3 else {
            throw FSError("frames from tensor: expected shape [3,t,h,w], got \(tensor.shape)")
        }
        let (t, h, w) = (shape[1], shape[2], shape[3])
        guard t > 0, h > 0, w > 0 else { throw FSError("frames from tensor: empty shape \(tensor.shape)") }
        let plane = t * h * w
        var out = [UInt8](repeating: 0, count: plane * 3)
        tensor.data.withUnsafeBufferPointer { src in
            for c in 0..<3 {
                for i in 0..<plane {
                    let x = src[c * plane + i]
                    // Same float32 operation order as the reference: clamp, +1, /2, ·255.
                    var v = (Swift.min(Swift.max(x, -1), 1) + 1) / 2 * 255
                    if x.isNaN { v = 0 }
                    switch quantization {
                    case .round: v = v.rounded(.toNearestOrEven)
                    case .truncate: v = v.rounded(.towardZero)
                    }
                    out[i * 3 + c] = UInt8(v)
                }
            }
        }
        self.init(count: t, height: h, width: w, pixels: out)
    }

    /// The clip as a model tensor [3, t, h, w] in [-1, 1]: (x/255 − 0.5)·2, as VideoCrafter's data loaders do.
    public func tensor() -> Tensor {
        let plane = count * height * width
        return Tensor(shape: [3, count, height, width]) { dst in
            pixels.withUnsafeBufferPointer { src in
                for i in 0..<plane {
                    for c in 0..<3 { dst[c * plane + i] = (Float(src[i * 3 + c]) / 255 - 0.5) * 2 }
                }
            }
        }
    }
}
