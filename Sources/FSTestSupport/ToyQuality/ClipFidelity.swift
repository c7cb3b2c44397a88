// How close two videos are, for the toy-model checks of `upscale` (tests and `fsvideo-bench upscale-toy`).
import Foundation
import FSTensor

/// Comparisons of videos [3, T, H, W] with values in [-1, 1] (clamped before comparing).
public enum ClipFidelity {
    /// PSNR with the [-1, 1] range as peak.
    public static func psnr(_ a: Tensor, _ b: Tensor) -> Double {
        precondition(a.shape == b.shape, "ClipFidelity.psnr: \(a.shape) vs \(b.shape)")
        var mse = 0.0
        for (x, y) in zip(a.data, b.data) {
            let d = Double(Swift.max(-1, Swift.min(1, x)) - Swift.max(-1, Swift.min(1, y))) / 2; mse += d * d
        }
        return 10 * log10(1 / Swift.max(1e-12, mse / Double(a.count)))
    }

    /// Mean |a − b| over the left and the right half of the frames.
    public static func halfChange(_ a: Tensor, _ b: Tensor) -> (left: Double, right: Double) {
        precondition(a.shape == b.shape && a.rank == 4, "ClipFidelity.halfChange: \(a.shape) vs \(b.shape)")
        let w = a.shape[3]
        var l = 0.0, r = 0.0
        for i in 0..<a.count {
            let d = Double(abs(Swift.max(-1, Swift.min(1, a.data[i])) - Swift.max(-1, Swift.min(1, b.data[i]))))
            if i % w < w / 2 { l += d } else { r += d }
        }
        let left = Double(a.count / w * (w / 2)), right = Double(a.count / w * (w - w / 2))
        return (l / left, r / right)
    }
}
