import FreeScale
import FSTensor

/// A second prompt that conditions part of the frame (local semantic editing, `fsvideo upscale --edit-mask
/// --edit-prompt`). Inside the mask the conditional ε comes from this prompt's context, outside from the main
/// prompt's; the two are blended per latent pixel before classifier-free guidance:
/// ε = ε_u + s·((1 − m)·ε(main) + m·ε(edit) − ε_u).
public struct RegionalPrompt: Sendable {
    public let prompt: String
    /// Binary (1 = the region that follows `prompt`), one plane or one per frame, at any grid.
    public let mask: DetailMask

    public init(prompt: String, mask: DetailMask) {
        self.prompt = prompt
        self.mask = mask
    }

    /// The mask as one weight per latent element of a `[B, C, F, h, w]` latent's (F, h, w) grid (nearest
    /// resize; a single plane is shared by every frame).
    public func weights(frames: Int, height: Int, width: Int) throws -> [Float] {
        guard mask.planes.shape[0] == 1 || mask.planes.shape[0] == frames else {
            throw FSError("edit mask: \(mask.planes.shape[0]) mask frames for a clip of \(frames) frames (give 1 or \(frames))")
        }
        let m = try mask.resized(height: height, width: width).planes
        if m.shape[0] == frames { return m.data }
        let plane = height * width
        var out = [Float](repeating: 0, count: frames * plane)
        for f in 0..<frames { for p in 0..<plane { out[f * plane + p] = m.data[p] } }
        return out
    }

    /// (1 − m)·main + m·edit for ε tensors `[1, C, F, h, w]`, m broadcast over channels.
    public func blend(main: Tensor, edit: Tensor) throws -> Tensor {
        guard main.shape == edit.shape, main.rank == 5 else {
            throw FSError("edit blend: \(main.shape) vs \(edit.shape)")
        }
        let (b, c, f, h, w) = (main.shape[0], main.shape[1], main.shape[2], main.shape[3], main.shape[4])
        let m = try weights(frames: f, height: h, width: w)
        let n = f * h * w
        return Tensor(shape: main.shape) { dst in
            main.data.withUnsafeBufferPointer { a in
                edit.data.withUnsafeBufferPointer { e in
                    for bc in 0..<(b * c) {
                        let off = bc * n
                        for p in 0..<n { dst[off + p] = a[off + p] + m[p] * (e[off + p] - a[off + p]) }
                    }
                }
            }
        }
    }
}
