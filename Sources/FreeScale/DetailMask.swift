// Detail control: a grey-scale mask (white = more detail, i.e. the cosine exponent α; black = α_bg).
import FSTensor

/// A mask at one latent grid, one plane for the whole clip or one per frame, values in [0, 1].
public struct DetailMask: Sendable {
    /// [T or 1, H, W].
    public let planes: Tensor

    public init(planes: Tensor) throws {
        guard planes.rank == 3, planes.shape.allSatisfy({ $0 > 0 }) else {
            throw FSError("detail mask: expected [frames, height, width] values, got \(planes.shape)")
        }
        self.planes = planes
    }

    /// From images [T or 1, H, W] with values in [0, 1] (the CLI decodes the PNG/JPEG files, averages
    /// RGB to grey, divides by 255). Like the reference, the mask is binarised (≥ 0.5 = detail) and
    /// resized to each latent grid with nearest sampling.
    public static func fromImages(_ grey: Tensor, latentHeight: Int, latentWidth: Int, frames: Int) throws -> DetailMask {
        guard grey.rank == 3 else { throw FSError("detail mask: expected [frames, height, width], got \(grey.shape)") }
        guard grey.shape[0] == 1 || grey.shape[0] == frames else {
            throw FSError("detail mask: \(grey.shape[0]) mask frames for a clip of \(frames) frames (give 1 or \(frames))")
        }
        let binary = grey.map { $0 >= 0.5 ? 1 : 0 }
        return try DetailMask(planes: resize(binary, height: latentHeight, width: latentWidth, mode: .nearest))
    }

    public var height: Int { planes.shape[1] }
    public var width: Int { planes.shape[2] }

    /// The H·W values for frame `f` (the single plane is shared by every frame).
    public func plane(frame f: Int) -> [Float] {
        let n = height * width
        let i = planes.shape[0] == 1 ? 0 : Swift.min(f, planes.shape[0] - 1)
        return Array(planes.data[(i * n)..<((i + 1) * n)])
    }

    /// The mask at another latent grid (nearest), for stages of other sizes.
    public func resized(height h: Int, width w: Int) throws -> DetailMask {
        if h == height && w == width { return self }
        return try DetailMask(planes: resize(planes, height: h, width: w, mode: .nearest))
    }
}
